/**
 * A failure a service reports on purpose, with the envelope code the UI shows. Services throw it for
 * bad input, missing rights or conflicts; resolvers turn it into `{ ok: false, error }`.
 */
import type { ErrorCode } from '../contract';

export class AppFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppFailure';
  }
}

export const invalidInput = (message: string) => new AppFailure('INVALID_INPUT', message);
