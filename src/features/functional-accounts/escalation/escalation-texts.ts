/**
 * What escalation writes in Jira: issue summaries, descriptions, comments and notice subjects, as plain
 * words (account names and credential labels; never a secret, an email or a raw id), and the stable
 * identifiers (cycle hashes, comment markers) it finds its own work by. Pure: no I/O.
 */
import { createHash } from 'node:crypto';

/** The issue entity property every escalation issue carries (the app finds its issues by it). */
export const ESCALATION_PROPERTY = 'jua-escalation';
/** The entity property of hand-over issues. */
export const HANDOVER_PROPERTY = 'jua-handover';

const DAY = 86_400_000;

/** A short, JQL-safe identifier of one credential cycle: the account, the credential and its expiry. */
export function cycleId(accountId: string, credentialId: string, expiresAt: string): string {
  return createHash('sha256').update(`${accountId}|${credentialId}|${expiresAt}`).digest('hex').slice(0, 32);
}

/** A JQL-safe identifier of a departed person's hand-over. */
export function departedId(personId: string): string {
  return createHash('sha256').update(`departed|${personId}`).digest('hex').slice(0, 32);
}

/** The most urgent threshold crossed `msLeft` before expiry (thresholds in days), or undefined. */
export function crossedThreshold(thresholds: number[], msLeft: number): number | undefined {
  const crossed = thresholds.filter((t) => msLeft <= t * DAY);
  return crossed.length === 0 ? undefined : Math.min(...crossed);
}

export function thresholdWords(t: number): string {
  if (t === 0) return 'on expiry';
  return t === 1 ? '1 day before expiry' : `${t} days before expiry`;
}

/** The phrase a threshold's comment carries, which read-back looks for after a lost answer. */
export function thresholdMarker(t: number): string {
  return `Reminder ${thresholdWords(t)}.`;
}

export function issueSummary(accountName: string, credentialLabel: string, expiresAt: string): string {
  const s = `Credential "${credentialLabel}" of ${accountName} expires on ${expiresAt.slice(0, 10)}`;
  return s.length > 250 ? `${s.slice(0, 249)}…` : s;
}

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: unknown[];
}

export function adf(...paragraphs: string[]): AdfDoc {
  return {
    type: 'doc',
    version: 1,
    content: paragraphs.map((p) => ({ type: 'paragraph', content: [{ type: 'text', text: p }] })),
  };
}

export function adfList(intro: string, items: string[], outro?: string): AdfDoc {
  return {
    type: 'doc',
    version: 1,
    content: [
      { type: 'paragraph', content: [{ type: 'text', text: intro }] },
      {
        type: 'bulletList',
        content: items.map((i) => ({
          type: 'listItem',
          content: [{ type: 'paragraph', content: [{ type: 'text', text: i }] }],
        })),
      },
      ...(outro ? [{ type: 'paragraph', content: [{ type: 'text', text: outro }] }] : []),
    ],
  };
}

export function issueDescription(accountName: string, credentialLabel: string, expiresAt: string): AdfDoc {
  return adf(
    `The credential "${credentialLabel}" of the functional account ${accountName} expires on ${expiresAt.slice(0, 10)}.`,
    'Rotate or renew it before then, and record the rotation in Jira User Admin (Functional accounts). This issue moves to Done when the rotation is recorded.',
    'Atlassian API tokens stop working when they expire; Atlassian sends no reminder to anyone but the token’s own account.',
  );
}

export function reminderComment(t: number, accountName: string, credentialLabel: string, expiresAt: string): AdfDoc {
  const when =
    t === 0
      ? `has expired (${expiresAt.slice(0, 10)})`
      : `expires on ${expiresAt.slice(0, 10)}, ${t === 1 ? 'within a day' : `within ${t} days`}`;
  return adf(
    `${thresholdMarker(t)} The credential "${credentialLabel}" of ${accountName} ${when}.`,
    'Owner and backup owners have been told; from one day before expiry the owning group is told too.',
  );
}

export function noticeSubject(t: number, accountName: string, credentialLabel: string): string {
  return t === 0
    ? `Expired: credential "${credentialLabel}" of ${accountName}`
    : `Credential "${credentialLabel}" of ${accountName} expires ${t === 1 ? 'within a day' : `within ${t} days`}`;
}

export function noticeText(t: number, accountName: string, credentialLabel: string, expiresAt: string): string {
  return `${thresholdMarker(t)} The credential "${credentialLabel}" of the functional account ${accountName} ${
    t === 0 ? 'has expired' : 'expires'
  } on ${expiresAt.slice(0, 10)}. Rotate or renew it, then record the rotation in Jira User Admin.`;
}

/** Why a tracking issue closes (a renewal is recorded as a rotation, so it closes as "rotated"). */
export type CloseReason = 'rotated' | 'removed' | 'unregistered';

export function closingComment(reason: CloseReason, accountName: string, credentialLabel: string): AdfDoc {
  const what: Record<CloseReason, string> = {
    rotated: `The credential "${credentialLabel}" of ${accountName} was rotated`,
    removed: `The credential "${credentialLabel}" is no longer recorded on ${accountName}`,
    unregistered: `${accountName} is no longer registered as a functional account`,
  };
  return adf(`${what[reason]}: nothing left to do here. Closed by Jira User Admin.`);
}

export function handoverSummary(personName: string, accounts: number): string {
  return `Functional accounts of ${personName} need a new owner (${accounts} ${accounts === 1 ? 'account' : 'accounts'})`;
}

export function handoverDescription(personName: string, lines: string[]): AdfDoc {
  return adfList(
    `${personName} owned these functional accounts and is no longer active in Jira. Each went to its first active backup owner, or stays with its owning group until an administrator hands it over:`,
    lines,
    'Check each account in Jira User Admin (Functional accounts), and use "Hand over" to give them all a new owner in one step.',
  );
}
