/**
 * The typed result envelope every resolver returns, and the error codes the UI can rely on.
 * The UI never turns an error into an empty list: it renders `error.message`.
 */
export type ErrorCode =
  | 'FORBIDDEN'
  | 'SITE_ADMIN_REQUIRED'
  | 'CONFIRMATION_REQUIRED'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'JIRA_ERROR'
  | 'INTERNAL';

export interface AppError {
  code: ErrorCode;
  message: string;
}

export type Envelope<T> = { ok: true; data: T } | { ok: false; error: AppError };

export function ok<T>(data: T): Envelope<T> {
  return { ok: true, data };
}

export function fail(code: ErrorCode, message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}
