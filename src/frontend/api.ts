/**
 * Typed `invoke` over the shared contract. A bridge failure becomes an error envelope, so callers
 * always get `{ ok, data } | { ok: false, error }` and never an empty list in place of an error.
 */
import { invoke } from '@forge/bridge';
import type { Envelope, ResolverContract, ResolverKey } from '../contract';

export async function call<K extends ResolverKey>(
  key: K,
  payload: ResolverContract[K]['payload'],
): Promise<Envelope<ResolverContract[K]['result']>> {
  try {
    // Without metadata the bridge answers the resolver's return value itself.
    return (await invoke(key, payload as Record<string, unknown>)) as Envelope<ResolverContract[K]['result']>;
  } catch (err) {
    return {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: `Could not reach the app backend: ${err instanceof Error ? err.message : String(err)}`,
      },
    };
  }
}
