/**
 * Jira Service Management customers: list desks and a desk's customers page by page (the shared
 * pagination helper, `start/limit`), and provision a customer in one step: create the account (or link
 * the existing one when the email already has an account, and say so), then add it to each chosen desk.
 * Every change is audited; unknown desks and invalid emails are refused before anything changes.
 */
import type {
  DeskCustomersPage,
  ProvisionCustomerPayload,
  ProvisionResult,
  ServiceDeskPage,
  ServiceDeskView,
} from '../../contract';
import type { JiraClient } from '../../jira';
import { JiraApiError, JiraOutcomeUnknownError } from '../../jira/errors';
import { collect } from '../../jira/transport/pagination';
import { JSM_PAGE_MAX, type JsmUser } from '../../jira/servicedesk';
import type { JiraServiceDesk, JiraUser } from '../../jira/types';
import type { AuditStore } from '../audit/audit-store';
import { looksLikeEmail } from '../../store/redact';
import { AppFailure, invalidInput } from '../../invocation/app-error';
import { READ_BACK_NOTE, writeWithReadBack } from '../../jira/read-back';
import { matchesQuery, searchAccountByEmail, withEmails, type EmailIndex } from '../people/directory';
import type { HiddenEmailPolicy } from '../people/email-policy';

export type CustomersJira = Pick<
  JiraClient,
  | 'listServiceDesksPage'
  | 'getServiceDesk'
  | 'listDeskCustomersPage'
  | 'createCustomer'
  | 'addCustomersToDesk'
  | 'getEmailsBulk'
  | 'searchUsersPage'
  | 'listUsersPage'
  | 'getUsersBulkPage'
>;

const deskView = (d: JiraServiceDesk): ServiceDeskView => ({
  id: d.id,
  projectKey: d.projectKey,
  projectName: d.projectName,
});

export async function listDesks(jira: CustomersJira, start: number): Promise<ServiceDeskPage> {
  const page = await jira.listServiceDesksPage(start, JSM_PAGE_MAX);
  return { desks: page.items.map(deskView), start, isLast: page.isLast };
}

/** The desk, or NOT_FOUND with a clear message (Jira answers 404 for unknown and invisible desks alike). */
export async function requireDesk(jira: Pick<JiraClient, 'getServiceDesk'>, deskId: string): Promise<JiraServiceDesk> {
  try {
    return await jira.getServiceDesk(deskId);
  } catch (err) {
    if (err instanceof JiraApiError && err.status === 404)
      throw new AppFailure('NOT_FOUND', `There is no service desk ${deskId} (or you cannot see it).`);
    throw err;
  }
}

/** Account types by id without asking Jira (the directory index); undefined while it has none. */
export interface AccountTypeIndex {
  types(ids: string[]): Promise<Map<string, JiraUser['accountType']> | undefined>;
}

/**
 * JSM's user objects carry no account type: it comes from the directory index (KVS reads, no Jira request),
 * and only for accounts the index does not know (none built yet, or added since) from `user/bulk` (one
 * request for the page). So a customers page costs Jira its listing plus the hidden emails' lookup.
 */
async function asUserRows(jira: CustomersJira, users: JsmUser[], typeIndex?: AccountTypeIndex) {
  const ids = users.map((u) => u.accountId);
  const types = new Map<string, JiraUser['accountType']>((ids.length > 0 && (await typeIndex?.types(ids))) || []);
  const unknown = ids.filter((id) => !types.has(id));
  if (unknown.length > 0) {
    const page = await collect((o) => jira.getUsersBulkPage(unknown, o), 100);
    for (const u of page.items) types.set(u.accountId, u.accountType);
  }
  return users.map((u) => ({
    accountId: u.accountId,
    displayName: u.displayName,
    emailAddress: u.emailAddress,
    active: u.active,
    accountType: types.get(u.accountId) ?? ('unknown' as const),
  }));
}

export async function listDeskCustomers(
  jira: CustomersJira,
  deskId: string,
  query: string,
  start: number,
  policy: HiddenEmailPolicy,
  typeIndex?: AccountTypeIndex,
): Promise<DeskCustomersPage> {
  const desk = await requireDesk(jira, deskId);
  const page = await jira.listDeskCustomersPage(deskId, query, start, JSM_PAGE_MAX);
  // JSM's customer filter matches emails the owner hides too: for someone who may not see them, such a hit
  // counts only if its name matches, so a guessed address confirms nothing (as in the user search).
  const nameOnly = query.trim() && !(await policy.mayShowHidden()) ? query.trim() : undefined;
  const items = nameOnly
    ? page.items.filter(
        (u) => u.emailAddress !== undefined || matchesQuery({ ...u, emailAddress: undefined }, nameOnly),
      )
    : page.items;
  const rows = await withEmails(jira, await asUserRows(jira, items, typeIndex), policy);
  return { desk: deskView(desk), customers: rows, start, isLast: page.isLast };
}

/**
 * The account that has this email when Jira's user search (which matches hidden emails too) did not show
 * it, i.e. an inactive account: the directory index's keyed-hash lookup confirmed with the asApp email
 * lookup. Never a scan of the directory.
 */
async function inactiveAccountForEmail(
  jira: CustomersJira,
  email: string,
  emailIndex?: EmailIndex,
): Promise<string | undefined> {
  const wanted = email.toLowerCase();
  const id = (await emailIndex?.lookup([wanted]))?.get(wanted);
  if (!id) return undefined;
  const [current] = await jira.getEmailsBulk([id]);
  return current?.email.toLowerCase() === wanted ? id : undefined;
}

export async function provisionCustomer(
  jira: CustomersJira,
  audit: AuditStore,
  actor: string,
  p: ProvisionCustomerPayload,
  emailIndex?: EmailIndex,
): Promise<ProvisionResult> {
  const email = p.email.trim();
  const displayName = p.displayName.trim();
  if (!looksLikeEmail(email)) throw invalidInput('Enter a valid email address.');
  if (!displayName) throw invalidInput('Enter a display name.');
  const deskIds = [...new Set(p.deskIds)];
  if (deskIds.length === 0) throw invalidInput('Choose at least one service desk.');
  // Every desk must exist before anything is created.
  const desks = await Promise.all(deskIds.map((id) => requireDesk(jira, id)));

  // An email that already has an account is linked, not created (one search; hidden emails included).
  const before = await searchAccountByEmail(jira, email);
  let accountId: string;
  let created: boolean;
  let readBack = false;
  /**
   * The account's name as the audit shows it: the name typed in the form only for an account this call
   * created; a linked account keeps its own name in Jira (unknown here for an inactive one: the audit then
   * names it from Jira when the log is read).
   */
  let accountName: string | undefined = displayName;
  if (before) {
    accountId = before.accountId;
    accountName = before.displayName;
    created = false;
  } else {
    try {
      // A lost answer is read back by email: found means this call created it (it was not there a moment
      // ago); a blind repeat would answer 409 and report the new account as an existing one.
      const out = await writeWithReadBack({
        write: () => jira.createCustomer(email, displayName),
        readBack: async () => {
          const found = await searchAccountByEmail(jira, email);
          return found ? { value: { accountId: found.accountId } } : undefined;
        },
      });
      accountId = out.value.accountId;
      readBack = out.confirmedByReadBack;
      created = true;
    } catch (err) {
      if (err instanceof JiraOutcomeUnknownError)
        throw new AppFailure('JIRA_ERROR', "Jira's answer was lost and no account with this email exists; try again.");
      if (
        !(err instanceof JiraApiError) ||
        !(err.status === 409 || (err.status === 400 && /already exists/i.test(err.jiraMessage)))
      ) {
        if (err instanceof JiraApiError && err.status === 403)
          throw new AppFailure('FORBIDDEN', 'Creating customers needs Jira administrator rights.');
        throw err;
      }
      // Jira knows an account the search did not show (an inactive one).
      const existing = await inactiveAccountForEmail(jira, email, emailIndex);
      if (!existing)
        throw new AppFailure('CONFLICT', 'Jira says this email already has an account, but the app cannot see it.');
      accountId = existing;
      accountName = undefined;
      created = false;
    }
  }
  await audit.record({
    actor,
    action: created ? 'customer.create' : 'customer.link',
    targetType: 'user',
    targetId: accountId,
    targetLabel: accountName,
    result: created ? 'done' : 'already',
    detail: created
      ? `Customer account created.${readBack ? ` ${READ_BACK_NOTE}` : ''}`
      : 'The email already had an account; it was linked instead.',
  });

  const results: ProvisionResult['desks'] = [];
  for (const desk of desks) {
    let result: ProvisionResult['desks'][number];
    try {
      // JSM answers the same whether or not they were already a customer: an existing account is looked up first.
      const already =
        !created &&
        (await jira.listDeskCustomersPage(desk.id, email, 0, JSM_PAGE_MAX)).items.some(
          (u) => u.accountId === accountId,
        );
      if (!already) await jira.addCustomersToDesk(desk.id, [accountId]);
      result = already
        ? { deskId: desk.id, outcome: 'already', message: `Already a customer of ${desk.projectName}.` }
        : { deskId: desk.id, outcome: 'done', message: `Added to ${desk.projectName}.` };
    } catch (err) {
      if (!(err instanceof JiraApiError)) throw err;
      result = { deskId: desk.id, outcome: 'failed', message: err.jiraMessage || `Jira answered ${err.status}.` };
    }
    results.push(result);
    await audit.record({
      actor,
      action: 'servicedesk.customer.add',
      targetType: 'user',
      targetId: accountId,
      targetLabel: accountName,
      objectType: 'servicedesk',
      objectId: desk.id,
      objectLabel: desk.projectName,
      result: result.outcome,
      detail: result.message,
    });
  }
  return {
    accountId,
    created,
    message: created
      ? `Created customer ${displayName}.`
      : `${email} already had an account: linked it instead of creating a new one.`,
    desks: results,
  };
}
