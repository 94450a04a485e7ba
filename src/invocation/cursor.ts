/**
 * Opaque paging cursors handed to the UI: base64url JSON, validated on the way back in.
 */
import { invalidInput } from './app-error';

export function encodeCursor(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T extends object>(
  cursor: string | undefined,
  isValid: (x: unknown) => x is T,
): T | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidInput('The paging cursor is not valid; start from the first page.');
  }
  if (!isValid(parsed)) throw invalidInput('The paging cursor is not valid; start from the first page.');
  return parsed;
}
