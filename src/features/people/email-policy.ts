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

/** The policy for the invoking administrator (asUser for the site-admin check). */
export function hiddenEmailPolicy(jira: Pick<JiraClient, 'getMyGlobalPermissions'>): HiddenEmailPolicy {
  let answer: Promise<boolean> | undefined;
  return {
    mayShowHidden: () =>
      (answer ??= (async () => {
        const { hiddenEmails } = await readSettings();
        if (hiddenEmails === 'jira-admins') return true; // every caller here already holds ADMINISTER
        return (await jira.getMyGlobalPermissions(['SYSTEM_ADMIN'])).SYSTEM_ADMIN;
      })()),
  };
}

/** For callers that act for the app itself (background work) or already decided: always allowed. */
export const SHOW_HIDDEN: HiddenEmailPolicy = { mayShowHidden: async () => true };
