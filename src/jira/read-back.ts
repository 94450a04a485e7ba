/**
 * Writes whose answer may be lost. When Jira applied a write but the answer never arrived (or came back
 * as a timeout or server error), repeating it would misreport what happened ("already a member", 404,
 * "already exists"). Instead, Jira is read back: if the change is there it is reported as done (and the
 * read-back says so); if not, the write is tried again, a bounded number of times.
 */
import { outcomeUnknown } from './errors';

export interface ReadBackWrite<T> {
  write: () => Promise<T>;
  /** Reads Jira: `{ value }` when the write's effect is there, `undefined` when it is not. */
  readBack: () => Promise<{ value: T } | undefined>;
  /** Write attempts in all (1: never repeat the write, only read back). */
  attempts?: number;
}

export interface ReadBackResult<T> {
  value: T;
  /** True when the answer was lost and reading Jira back showed the change had happened. */
  confirmedByReadBack: boolean;
}

/** Performs the write; after a lost answer, reads back, and repeats only what did not happen. */
export async function writeWithReadBack<T>(op: ReadBackWrite<T>): Promise<ReadBackResult<T>> {
  const attempts = Math.max(op.attempts ?? 3, 1);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return { value: await op.write(), confirmedByReadBack: false };
    } catch (err) {
      if (!outcomeUnknown(err)) throw err;
      let landed: { value: T } | undefined;
      try {
        landed = await op.readBack();
      } catch {
        throw err; // Jira could not be read back either: the outcome is still unknown.
      }
      if (landed) return { value: landed.value, confirmedByReadBack: true };
      if (attempt >= attempts) throw err;
    }
  }
}

/** The sentence appended to a report or audit entry when the outcome came from reading Jira back. */
export const READ_BACK_NOTE = "Jira's answer was lost; reading Jira back confirmed the change.";

/**
 * The same for a membership change, where reading back shows only the state after the write: the user is
 * in (or out of) the group, but whether this request or an earlier change made it so cannot be told apart
 * without the state before it, so the report says that rather than claim the app made the change.
 */
export const MEMBERSHIP_READ_BACK_NOTE =
  "Jira's answer was lost; reading Jira back confirmed the change is in place (whether this request or an earlier change made it is not known).";
