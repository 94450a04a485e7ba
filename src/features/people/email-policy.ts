/**
 * Who sees emails that profile visibility hides (issue 19, item 7). Jira hands hidden emails to apps
 * only (`/user/email`, asApp), so every hidden email the app shows is the app's decision, not Jira's:
 * by default only site administrators (Jira's SYSTEM_ADMIN, asked live as the caller) see them; the
 * audited setting `hiddenEmails: 'jira-admins'` widens that to every Jira administrator. Someone who may
 * not see them gets no hidden email anywhere (lists, details, group members, desk customers) and cannot
 * confirm one by guessing: resolving a pasted email whose account hides it answers exactly what an
 * unknown email answers.
 */
import type { JiraClient } from '../../jira';
import { readSettings } from '../../store/settings';

export interface HiddenEmailPolicy {
  /** Whether this caller may see hidden emails; asked at most once per invocation, and only when needed. */
  mayShowHidden(): Promise<boolean>;
}

/** What an email the caller may not resolve answers, whether no account has it or its account hides it. */
export const NOT_VISIBLE_EMAIL =
  'No account shows this email to you: none has it, or its owner hides it (site administrators can resolve hidden emails).';

/** How long one container reuses a caller's SYSTEM_ADMIN answer for reads (as authorization.ts does). */
export const SITE_ADMIN_ANSWER_TTL_MS = 60_000;
const SITE_ADMIN_ANSWERS_MAX = 5_000;
const siteAdminAnswers = new Map<string, { allowed: boolean; until: number }>();

/**
 * The policy for the invoking administrator (asUser for the site-admin check). With `caller` (site and
 * account), the container reuses the SYSTEM_ADMIN answer for up to 60 s, as resolvers' read authorization
 * does (issue 18: otherwise every page showing a hidden email costs a permission request more than its
 * minimum); the setting itself is read every time.
 */
export function hiddenEmailPolicy(
  jira: Pick<JiraClient, 'getMyGlobalPermissions'>,
  caller?: string,
  now: () => number = Date.now,
): HiddenEmailPolicy {
  let answer: Promise<boolean> | undefined;
  const siteAdmin = async () => {
    const cached = caller === undefined ? undefined : siteAdminAnswers.get(caller);
    if (cached && cached.until > now()) return cached.allowed;
    const allowed = (await jira.getMyGlobalPermissions(['SYSTEM_ADMIN'])).SYSTEM_ADMIN === true;
    if (caller !== undefined) {
      siteAdminAnswers.delete(caller);
      siteAdminAnswers.set(caller, { allowed, until: now() + SITE_ADMIN_ANSWER_TTL_MS });
      if (siteAdminAnswers.size > SITE_ADMIN_ANSWERS_MAX)
        siteAdminAnswers.delete(siteAdminAnswers.keys().next().value as string);
    }
    return allowed;
  };
  return {
    mayShowHidden: () =>
      (answer ??= (async () => {
        const { hiddenEmails } = await readSettings();
        if (hiddenEmails === 'jira-admins') return true; // every caller here already holds ADMINISTER
        return siteAdmin();
      })()),
  };
}

/** For callers that act for the app itself (background work) or already decided: always allowed. */
export const SHOW_HIDDEN: HiddenEmailPolicy = { mayShowHidden: async () => true };
