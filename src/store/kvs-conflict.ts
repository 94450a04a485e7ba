/**
 * The one place the app recognises a KVS conflict: a `set` with `keyPolicy: 'FAIL_IF_EXISTS'` refused because
 * the key exists. The service answers HTTP 409 with code `KEY_CONFLICT`; `@forge/kvs` turns any non-2xx answer
 * into a `ForgeKvsAPIError` carrying the body's `code` and the HTTP status in `responseDetails.status`
 * (node_modules/@forge/kvs/out/utils/error-handling.js, `checkResponseError`). The status is what identifies
 * the conflict (a 409 is answered for nothing else), so a change of code would not go unrecognised.
 */
import { ForgeKvsAPIError } from '@forge/kvs';

/** The code the KVS service gives a FAIL_IF_EXISTS conflict. */
export const KVS_KEY_CONFLICT = 'KEY_CONFLICT';

/** Whether `err` is KVS refusing a create-only (`FAIL_IF_EXISTS`) write because the key already exists. */
export function isKeyConflict(err: unknown): boolean {
  return err instanceof ForgeKvsAPIError && err.responseDetails.status === 409;
}
