/**
 * The functional-account registry: roles (named sets of groups), registering existing accounts (owner
 * person and owning group, purpose, integration), creating new ones, and credential records with
 * rotation. Credentials are metadata only: the app never asks for or stores a secret, and refuses labels
 * that look like one. Every change is audited.
 */
import { randomUUID } from 'node:crypto';
import { CREDENTIAL_TYPE_LABELS } from '../../contract';
import type {
  CreateFunctionalPayload,
  CreateFunctionalResult,
  CredentialPayload,
  CredentialView,
  FunctionalAccountView,
  RegisterPayload,
  RegistryFilter,
  RegistryPage,
  RoleView,
  RotatePayload,
  SaveRolePayload,
} from '../../contract';
import type { JiraClient } from '../../jira';
import { JiraApiError, JiraOutcomeUnknownError, outcomeUnknown } from '../../jira/errors';
import type { JiraUser } from '../../jira/types';
import type { AuditStore } from '../audit/audit-store';
import {
  type CheckRecord,
  type FunctionalRecord,
  type FunctionalStore,
  type RoleRecord,
  ARCHIVE_KEEP,
  MAX_CURRENT_CREDENTIALS,
} from './functional-store';
import type { HealthRunStore } from './health-run-store';
import { type PersonFact, backupViews, factOfUser, validBackups } from './backup-owners';
import type { EscalationStore } from './escalation/escalation-store';
import type { EscalationStatusView } from '../../contract';
import { creationIntentKey, creationIntentStore, type CreationIntentStore } from './creation-intents';
import { looksLikeEmail, redactEmails } from '../../store/redact';
import { AppFailure, invalidInput } from '../../invocation/app-error';
import { searchAccountByEmail } from '../people/directory';
import { loadGroupAccess } from '../groups/group-access';
import { conventionName } from '../../contract/naming';
import { currentFindings, isCheckable } from './functional-health';
import { applyMembership } from '../groups/membership';
import { READ_BACK_NOTE, writeWithReadBack } from '../../jira/read-back';
import { withRecordLock } from '../../store/record-lock';

export type FunctionalJira = Pick<
  JiraClient,
  | 'getGroupsById'
  | 'listApplicationRoles'
  | 'getUsersBulkPage'
  | 'searchUsersPage'
  | 'getEmailsBulk'
  | 'createUser'
  | 'addUserToGroup'
  | 'removeUserFromGroup'
  | 'getUserGroupIds'
>;

export interface FunctionalDeps {
  jira: FunctionalJira;
  store: FunctionalStore;
  audit: AuditStore;
  /** The health check's runs, for the registry's "last check" line; optional where no view needs it. */
  runs?: Pick<HealthRunStore, 'lastSummary'>;
  /** Creations in progress (resumable after a lost answer); the KVS store when absent. */
  intents?: CreationIntentStore;
  /** Escalation settings and per-account status, for the registry's reminder lines (none when absent). */
  esc?: Pick<EscalationStore, 'settings' | 'statuses'>;
  /**
   * Tells escalation that an account's credentials changed or it left the registry (pushes its step on
   * the queue, so its issue moves to done at once rather than at the next daily check).
   */
  escalate?: (accountId: string) => Promise<void>;
  now?: () => Date;
}

const DAY = 86_400_000;
/** Atlassian API tokens expire after at most 365 days. */
export const API_TOKEN_MAX_DAYS = 365;
const NAME = /^[A-Za-z][A-Za-z0-9]{1,39}$/;
/** Long unbroken runs of token-like characters (Atlassian tokens start ATATT): never a label. */
const SECRET_LIKE = /(ATATT[A-Za-z0-9_\-=]{10,}|[A-Za-z0-9_\-+/=]{32,})/;

export function nowOf(deps: FunctionalDeps): Date {
  return deps.now?.() ?? new Date();
}

export function text(value: string, field: string, max: number): string {
  const v = value.trim();
  if (!v) throw invalidInput(`${field} is required.`);
  if (v.length > max) throw invalidInput(`${field} is too long (${max} characters at most).`);
  if (looksLikeEmail(v) || /@/.test(v)) throw invalidInput(`${field} must not contain an email address.`);
  return v;
}

// ---- roles -------------------------------------------------------------------------------------

export async function describeRole(
  deps: FunctionalDeps,
  role: { roleId: string; name: string; groupIds: string[] },
): Promise<RoleView> {
  const [groups, access] = await Promise.all([deps.jira.getGroupsById(role.groupIds), loadGroupAccess(deps.jira)]);
  const described = groups.map((g) => access.describe(g));
  const warnings = described.flatMap((g) => [
    ...(g.grantsProducts.length > 0
      ? [`${g.name} gives access to ${g.grantsProducts.join(', ')} (uses a licence).`]
      : []),
    ...(g.grantsAdmin ? [`${g.name} grants administration rights.`] : []),
  ]);
  return {
    roleId: role.roleId,
    name: role.name,
    groups: described.map((g) => ({
      groupId: g.groupId,
      name: g.name,
      grantsProducts: g.grantsProducts,
      grantsAdmin: g.grantsAdmin,
    })),
    warnings,
  };
}

export async function saveRole(deps: FunctionalDeps, actor: string, p: SaveRolePayload): Promise<RoleView> {
  const roleId = p.roleId;
  return roleId ? lockedRole(roleId, () => saveRoleUnlocked(deps, actor, p)) : saveRoleUnlocked(deps, actor, p);
}

async function saveRoleUnlocked(deps: FunctionalDeps, actor: string, p: SaveRolePayload): Promise<RoleView> {
  const name = text(p.name, 'Role name', 80);
  const groupIds = [...new Set(p.groupIds)];
  if (groupIds.length === 0) throw invalidInput('A role needs at least one group.');
  const groups = await deps.jira.getGroupsById(groupIds);
  if (groups.length !== groupIds.length)
    throw new AppFailure('NOT_FOUND', 'Some of the chosen groups no longer exist.');
  if (p.roleId && !(await deps.store.role(p.roleId))) throw new AppFailure('NOT_FOUND', 'No such role.');
  const role = {
    roleId: p.roleId ?? randomUUID(),
    name,
    groupIds,
    updatedAt: nowOf(deps).toISOString(),
    updatedBy: actor,
  };
  // Everything that asks Jira (and may be refused) runs before the first write: nothing is saved or
  // audited for a call that then fails.
  const view = await describeRole(deps, role);
  await deps.store.putRole(role);
  await deps.audit.record({
    actor,
    action: p.roleId ? 'functional.role.update' : 'functional.role.create',
    targetType: 'role',
    targetId: role.roleId,
    targetLabel: name,
    result: 'done',
    detail: `Groups: ${groups.map((g) => g.name).join(', ')}.`,
  });
  return view;
}

export async function listRoles(deps: FunctionalDeps): Promise<RoleView[]> {
  return Promise.all((await deps.store.roles()).map((r) => describeRole(deps, r)));
}

export async function deleteRole(deps: FunctionalDeps, actor: string, roleId: string): Promise<void> {
  return lockedRole(roleId, () => deleteRoleUnlocked(deps, actor, roleId));
}

async function deleteRoleUnlocked(deps: FunctionalDeps, actor: string, roleId: string): Promise<void> {
  const role = await deps.store.role(roleId);
  if (!role) throw new AppFailure('NOT_FOUND', 'No such role.');
  await deps.store.removeRole(roleId);
  await deps.audit.record({
    actor,
    action: 'functional.role.delete',
    targetType: 'role',
    targetId: roleId,
    targetLabel: role.name,
    result: 'done',
  });
}

// ---- registry ----------------------------------------------------------------------------------

function nextExpiry(credentials: CredentialView[]): string | undefined {
  return credentials
    .filter((c) => c.status === 'active' && c.expiresAt)
    .map((c) => c.expiresAt as string)
    .sort()[0];
}

/** Credential status as of `now`: expired once its expiry has passed. */
function withStatus(c: CredentialView, now: Date): CredentialView {
  if (c.status === 'active' && c.expiresAt && Date.parse(c.expiresAt) <= now.getTime())
    return { ...c, status: 'expired', expiredAt: c.expiresAt };
  return c;
}

/** The view of a record; findings come from the health check's entry (or a record written before it existed). */
export function toView(
  r: FunctionalRecord,
  now: Date,
  names: Map<string, string> = new Map(),
  check?: CheckRecord,
  extra: { people?: Map<string, PersonFact>; registered?: Set<string>; escalation?: EscalationStatusView } = {},
): FunctionalAccountView {
  const credentials = r.credentials.map((c) => withStatus(c, now));
  const { archived, findings, checkedAt, backupOwnerIds, handover, ...rest } = r;
  const people = extra.people ?? new Map<string, PersonFact>();
  for (const [id, name] of names)
    if (!people.has(id)) people.set(id, { displayName: name, active: true, accountType: 'atlassian' });
  return {
    ...rest,
    ownerName: names.get(r.ownerAccountId) ?? people.get(r.ownerAccountId)?.displayName,
    credentials,
    archivedCredentials: Math.min(archived ?? 0, ARCHIVE_KEEP),
    nextExpiry: nextExpiry(credentials),
    findings: currentFindings({ ...r, findings }, check),
    checkedAt: check?.checkedAt ?? checkedAt,
    backupOwners: backupViews(backupOwnerIds, r.ownerAccountId, people, extra.registered ?? new Set()),
    ...(handover
      ? {
          handoverMark: {
            ...(handover.fromName ? { fromName: handover.fromName } : {}),
            at: handover.at,
            source: handover.source,
            ...(handover.toId ? { toName: people.get(handover.toId)?.displayName ?? 'a backup owner' } : {}),
          },
        }
      : {}),
    ...(extra.escalation ? { escalation: extra.escalation } : {}),
  };
}

/**
 * Runs a read-modify-write of one account's record (and its credentials) holding that record's lock
 * (store/record-lock.ts: a create-only KVS key with a TTL), so two invocations never both read the same
 * version and one overwrite the other. `fn` reads the record itself, inside the lock.
 */
export function lockedAccount<T>(accountId: string, fn: () => Promise<T>): Promise<T> {
  return withRecordLock(`fa:${accountId}`, fn, { what: 'this functional account' });
}

/** The same for a role. */
export function lockedRole<T>(roleId: string, fn: () => Promise<T>): Promise<T> {
  return withRecordLock(`farole:${roleId}`, fn, { what: 'this role' });
}

export async function mustRecord(deps: FunctionalDeps, accountId: string): Promise<FunctionalRecord> {
  const r = await deps.store.get(accountId);
  if (!r) throw new AppFailure('NOT_FOUND', 'That account is not registered as functional.');
  return r;
}

export async function listRegistry(deps: FunctionalDeps, filter: RegistryFilter): Promise<RegistryPage> {
  const now = nowOf(deps);
  const keep = (v: FunctionalAccountView) =>
    (!filter.owningGroupId || v.owningGroupId === filter.owningGroupId) &&
    (!filter.ownerAccountId || v.ownerAccountId === filter.ownerAccountId) &&
    (!filter.backupAccountId || v.backupOwners.some((b) => b.accountId === filter.backupAccountId)) &&
    (!filter.finding ||
      (filter.finding === 'any' && v.findings.length > 0) ||
      (filter.finding === 'expiring' && v.findings.some((f) => f.kind.startsWith('credential-'))) ||
      (filter.finding === 'orphaned' && v.findings.some((f) => f.kind.startsWith('owner-'))));
  const stored = await deps.store.page(filter.cursor, 100);
  // A record that cannot be read is left out here (the health check counts it as failed).
  const page = { ...stored, items: stored.items.filter(isCheckable) };
  const ids = page.items.map((r) => r.accountId);
  const [checks, statuses] = await Promise.all([
    deps.store.checks(ids),
    deps.esc?.statuses(ids) ?? Promise.resolve(new Map<string, EscalationStatusView>()),
  ]);
  const backupIds = [...new Set(page.items.flatMap((r) => r.backupOwnerIds ?? []))];
  const people = [
    ...new Set([
      ...page.items.map((r) => r.ownerAccountId),
      ...backupIds,
      ...page.items.flatMap((r) => (r.handover?.toId ? [r.handover.toId] : [])),
    ]),
  ];
  const names = new Map<string, string>();
  const facts = new Map<string, PersonFact>();
  for (let i = 0; i < people.length; i += 100) {
    (await deps.jira.getUsersBulkPage(people.slice(i, i + 100), 0)).items.forEach((u) => {
      names.set(u.accountId, u.displayName);
      facts.set(u.accountId, factOfUser(u));
    });
  }
  const registered = new Set((await deps.store.getMany(backupIds)).map((r) => r.accountId));
  const settings = await deps.esc?.settings();
  const told = !!settings?.projectId && !!settings.issueTypeId;
  return {
    accounts: page.items
      .map((r) =>
        toView(r, now, names, checks.get(r.accountId), {
          people: facts,
          registered,
          escalation: statuses.get(r.accountId),
        }),
      )
      .filter(keep),
    nextCursor: page.nextCursor,
    lastCheck: await deps.runs?.lastSummary(),
    ...(settings
      ? {
          reminders: told
            ? {
                told: true,
                message: `Owners and backups are told in Jira (${settings.projectName ?? 'the chosen project'}) as credentials near expiry.`,
              }
            : {
                told: false,
                message:
                  'Nobody is being told about expiring credentials: no Jira project is chosen for reminders, so they show on this page only.',
              },
        }
      : {}),
  };
}

/** The account, its owner (a person) and the owning group, or a clear refusal. */
export async function verifyPeopleAndGroup(
  deps: FunctionalDeps,
  accountId: string,
  ownerAccountId: string,
  owningGroupId: string,
) {
  const [users, groups] = await Promise.all([
    deps.jira.getUsersBulkPage([...new Set([accountId, ownerAccountId])], 0),
    deps.jira.getGroupsById([owningGroupId]),
  ]);
  const account = users.items.find((u) => u.accountId === accountId);
  const owner = users.items.find((u) => u.accountId === ownerAccountId);
  const group = groups[0];
  if (!account) throw new AppFailure('NOT_FOUND', 'The account to register does not exist.');
  if (!owner) throw new AppFailure('NOT_FOUND', 'The owner does not exist.');
  if (owner.accountType !== 'atlassian')
    throw invalidInput('The owner must be a person (an Atlassian account), not an app or customer.');
  if (ownerAccountId === accountId) throw invalidInput('A functional account cannot own itself.');
  if (!group) throw new AppFailure('NOT_FOUND', 'The owning group does not exist.');
  return { account, owner, group };
}

export async function register(
  deps: FunctionalDeps,
  actor: string,
  p: RegisterPayload,
): Promise<FunctionalAccountView> {
  const purpose = text(p.purpose, 'Purpose', 500);
  const integration = text(p.integration, 'Integration', 200);
  if (p.roleId && !(await deps.store.role(p.roleId))) throw new AppFailure('NOT_FOUND', 'No such role.');
  if (await deps.store.get(p.accountId))
    throw new AppFailure('CONFLICT', 'That account is already registered as functional.');
  const { account, owner, group } = await verifyPeopleAndGroup(deps, p.accountId, p.ownerAccountId, p.owningGroupId);
  if (account.accountType === 'customer')
    throw invalidInput('A customer (portal-only) account cannot be a functional account.');
  const backups = await validBackups(
    p.backupOwnerAccountIds,
    async (ids) => (await deps.jira.getUsersBulkPage(ids, 0)).items,
  );
  const record: FunctionalRecord = {
    accountId: account.accountId,
    // Jira names accounts created from an email after the email: nothing persisted may hold one.
    displayName: redactEmails(account.displayName),
    ownerAccountId: p.ownerAccountId,
    ...(backups.ids.length > 0 ? { backupOwnerIds: backups.ids } : {}),
    owningGroupId: group.groupId,
    owningGroupName: redactEmails(group.name),
    purpose,
    integration,
    roleId: p.roleId,
    registeredAt: nowOf(deps).toISOString(),
    registeredBy: actor,
    credentials: [],
  };
  // Create-only: of two registrations at once, one writes and the other is told, as if it had come second.
  if (!(await deps.store.create(record)))
    throw new AppFailure('CONFLICT', 'That account is already registered as functional.');
  await deps.audit.record({
    actor,
    action: 'functional.register',
    targetType: 'user',
    targetId: account.accountId,
    targetLabel: account.displayName,
    objectType: 'group',
    objectId: group.groupId,
    objectLabel: group.name,
    result: 'done',
    detail: `Owner ${owner.displayName}${backups.ids.length > 0 ? `; backups ${backups.ids.map((id) => backups.people.get(id)?.displayName ?? 'a former user').join(', ')}` : ''}; integration ${integration}.`,
  });
  const registered = new Set((await deps.store.getMany(backups.ids)).map((r) => r.accountId));
  return toView(record, nowOf(deps), new Map([[owner.accountId, owner.displayName]]), undefined, {
    people: backups.people,
    registered,
  });
}

export async function unregister(deps: FunctionalDeps, actor: string, accountId: string): Promise<void> {
  return lockedAccount(accountId, () => unregisterUnlocked(deps, actor, accountId));
}

async function unregisterUnlocked(deps: FunctionalDeps, actor: string, accountId: string): Promise<void> {
  const record = await mustRecord(deps, accountId);
  await deps.store.remove(accountId);
  await deps.audit.record({
    actor,
    action: 'functional.unregister',
    targetType: 'user',
    targetId: accountId,
    targetLabel: record.displayName,
    result: 'done',
    detail: 'Removed from the registry; the Jira account is unchanged.',
  });
  await deps.escalate?.(accountId);
}

// ---- credentials -------------------------------------------------------------------------------

/**
 * A date as the page sends it: a calendar day `YYYY-MM-DD` (the date picker's value; midnight UTC) or a full
 * ISO 8601 timestamp with its zone. Anything else (`20/12/2026`, `20 Dec 2026`) is refused with the reason,
 * never guessed: JavaScript's Date would read some of those as another day.
 */
function parseDate(text: string, what: string): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const stamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
  const t = day ? Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : stamp ? Date.parse(text) : NaN;
  // Date.UTC rolls 2026-02-31 over into March: a calendar day must read back as itself.
  if (Number.isNaN(t) || (day && new Date(t).toISOString().slice(0, 10) !== text))
    throw invalidInput(`The ${what} must be a date written as YYYY-MM-DD (for example 2026-12-20).`);
  return t;
}

function credentialDates(type: string, createdAt: Date, expiresAt: string | undefined): string | undefined {
  if (expiresAt === undefined) {
    if (type === 'api-token')
      throw invalidInput('API tokens expire: give the expiry date (at most 365 days after creation).');
    return undefined;
  }
  const exp = parseDate(expiresAt, 'expiry');
  if (exp <= createdAt.getTime()) throw invalidInput('The expiry must be after the creation date.');
  if (type === 'api-token' && exp - createdAt.getTime() > API_TOKEN_MAX_DAYS * DAY)
    throw invalidInput('Atlassian API tokens expire at most 365 days after they are created.');
  return new Date(exp).toISOString();
}

function label(raw: string): string {
  const v = text(raw, 'Label', 80);
  if (SECRET_LIKE.test(v))
    throw invalidInput(
      'That label looks like a secret. Record only a name for the credential: the app never stores secrets.',
    );
  return v;
}

export async function addCredential(
  deps: FunctionalDeps,
  actor: string,
  p: CredentialPayload,
): Promise<FunctionalAccountView> {
  return lockedAccount(p.accountId, () => addCredentialUnlocked(deps, actor, p));
}

async function addCredentialUnlocked(
  deps: FunctionalDeps,
  actor: string,
  p: CredentialPayload,
): Promise<FunctionalAccountView> {
  const record = await mustRecord(deps, p.accountId);
  if (record.credentials.filter((c) => c.status === 'active').length >= MAX_CURRENT_CREDENTIALS)
    throw invalidInput(
      `This account already has ${MAX_CURRENT_CREDENTIALS} current credentials: record a rotation instead of a new one.`,
    );
  const createdAt = p.createdAt ? new Date(parseDate(p.createdAt, 'creation date')) : nowOf(deps);
  const credential: CredentialView = {
    credentialId: randomUUID(),
    type: p.type,
    label: label(p.label),
    createdAt: createdAt.toISOString(),
    expiresAt: credentialDates(p.type, createdAt, p.expiresAt),
    status: 'active',
  };
  const updated = await deps.store.putWithCredentials({ ...record, credentials: [...record.credentials, credential] });
  await deps.audit.record({
    actor,
    action: 'functional.credential.add',
    targetType: 'user',
    targetId: record.accountId,
    targetLabel: record.displayName,
    result: 'done',
    detail: `${CREDENTIAL_TYPE_LABELS[credential.type]} "${credential.label}"${credential.expiresAt ? `, expires ${credential.expiresAt.slice(0, 10)}` : ''}.`,
  });
  return toView(updated, nowOf(deps), undefined, (await deps.store.checks([record.accountId])).get(record.accountId));
}

/**
 * Records a rotation: the previous credential expires at this instant, and a new one takes its place.
 * Rotations of one account run one at a time (lockedAccount). Two rotations of the same credential at
 * once: the first wins, the second finds it already retired and answers CONFLICT, changing nothing and
 * auditing nothing — it asked to retire a credential that is no longer current, and applying it to the
 * successor (which its caller has never seen) would retire a key nobody meant to retire.
 */
export async function rotateCredential(
  deps: FunctionalDeps,
  actor: string,
  p: RotatePayload,
): Promise<FunctionalAccountView> {
  return lockedAccount(p.accountId, () => rotateUnlocked(deps, actor, p));
}

async function rotateUnlocked(deps: FunctionalDeps, actor: string, p: RotatePayload): Promise<FunctionalAccountView> {
  const record = await mustRecord(deps, p.accountId);
  const previous = record.credentials.find((c) => c.credentialId === p.credentialId);
  if (!previous) throw new AppFailure('NOT_FOUND', 'No such credential on this account.');
  if (previous.status !== 'active')
    throw new AppFailure(
      'CONFLICT',
      `"${previous.label}" is no longer current (retired ${previous.expiredAt?.slice(0, 16).replace('T', ' ') ?? 'earlier'}${previous.expiredAt ? ' UTC' : ''}): it was already rotated. Reload to see its successor.`,
    );
  const now = nowOf(deps);
  const fresh: CredentialView = {
    credentialId: randomUUID(),
    type: previous.type,
    label: p.label ? label(p.label) : previous.label,
    createdAt: now.toISOString(),
    expiresAt: credentialDates(
      previous.type,
      now,
      p.expiresAt ??
        (previous.type === 'api-token' ? new Date(now.getTime() + API_TOKEN_MAX_DAYS * DAY).toISOString() : undefined),
    ),
    lastRotatedAt: now.toISOString(),
    status: 'active',
  };
  // The retired one goes after the earlier retired ones, so it counts as the newest even within one millisecond.
  const retired: CredentialView = { ...previous, status: 'expired', expiredAt: now.toISOString() };
  const credentials = [...record.credentials.filter((c) => c !== previous), retired, fresh];
  const updated = await deps.store.putWithCredentials({ ...record, credentials });
  await deps.audit.record({
    actor,
    action: 'functional.credential.rotate',
    targetType: 'user',
    targetId: record.accountId,
    targetLabel: record.displayName,
    result: 'done',
    detail: `"${previous.label}" expired at rotation; new credential "${fresh.label}".`,
  });
  await deps.escalate?.(record.accountId);
  return toView(updated, now, undefined, (await deps.store.checks([record.accountId])).get(record.accountId));
}

// ---- creation ----------------------------------------------------------------------------------

/**
 * Creates the account in Jira, puts it in the role's groups and registers it. Jira's reference for
 * `POST /rest/api/3/user` says the API "does not support Forge apps", and Jira names new accounts after
 * their email (display names cannot be set through REST): both are reported as they are. A half-done
 * creation (created, but not in every group) is reported group by group, and still registered. Creation
 * is resumable: a lost answer is read back by email, and trying again after one finds the account this
 * app created (its creation intent, store/creation-intents.ts) and finishes groups and registry.
 */
export async function createFunctional(
  deps: FunctionalDeps,
  actor: string,
  siteId: string,
  p: CreateFunctionalPayload,
): Promise<CreateFunctionalResult> {
  if (!NAME.test(p.name))
    throw invalidInput('The name must start with a letter and hold only letters and digits (2 to 40).');
  const email = p.email?.trim();
  if (!email)
    throw invalidInput(
      'Jira creates an account from an email address: give the mailbox the account will use, or register an existing account instead.',
    );
  if (!looksLikeEmail(email)) throw invalidInput('Enter a valid email address.');
  const purpose = text(p.purpose, 'Purpose', 500);
  const integration = text(p.integration, 'Integration', 200);
  const role = await deps.store.role(p.roleId);
  if (!role) throw new AppFailure('NOT_FOUND', 'No such role.');
  const [owners, groups] = await Promise.all([
    deps.jira.getUsersBulkPage([p.ownerAccountId], 0),
    deps.jira.getGroupsById([...new Set([p.owningGroupId, ...role.groupIds])]),
  ]);
  const owner = owners.items[0];
  if (!owner || owner.accountType !== 'atlassian')
    throw new AppFailure('NOT_FOUND', 'The owner must be an existing person.');
  const owningGroup = groups.find((g) => g.groupId === p.owningGroupId);
  if (!owningGroup) throw new AppFailure('NOT_FOUND', 'The owning group does not exist.');
  // One creation per email at a time (a create-only lock key named by the intent's digest, never the email):
  // a second call for the same mailbox waits, then finds the account the first created and registered and
  // is refused, instead of also asking Jira (which answers 201 with the first one's account, or 400) and
  // auditing a creation it did not make or removing the first one's intent (issue 19, item 5).
  return withRecordLock(
    creationIntentKey(siteId, email),
    () => createLocked(deps, actor, siteId, p, { email, purpose, integration, role, owner, owningGroup, groups }),
    { what: 'an account with this email' },
  );
}

async function createLocked(
  deps: FunctionalDeps,
  actor: string,
  siteId: string,
  p: CreateFunctionalPayload,
  v: {
    email: string;
    purpose: string;
    integration: string;
    role: RoleRecord;
    owner: JiraUser;
    owningGroup: { groupId: string; name: string };
    groups: Array<{ groupId: string; name: string }>;
  },
): Promise<CreateFunctionalResult> {
  const { email, purpose, integration, role, owner, owningGroup, groups } = v;
  const wanted = conventionName(p.name, siteId);
  const auditCreate = (targetId: string, result: 'done' | 'failed', detail: string) =>
    deps.audit.record({
      actor,
      action: 'functional.create',
      targetType: 'user',
      targetId,
      targetLabel: wanted,
      result,
      detail,
    });
  // Jira answers 201 with the existing account when the email already has one with Jira access (the
  // reference for POST /rest/api/3/user), so a person's account could be taken for a new functional one:
  // look the email up first and refuse — unless an earlier attempt of this app created it and lost the
  // answer (its creation intent is still there), in which case the creation is finished now.
  const intents = deps.intents ?? creationIntentStore;
  const [taken, intent] = await Promise.all([searchAccountByEmail(deps.jira, email), intents.get(siteId, email)]);
  if (taken && (!intent || (await deps.store.get(taken.accountId))))
    throw new AppFailure(
      'CONFLICT',
      `An account already uses this email (${taken.displayName}). Register that account instead, or use another mailbox.`,
    );

  let created: JiraUser;
  if (taken) {
    created = taken;
    await auditCreate(
      created.accountId,
      'done',
      `Found the account an earlier attempt created (its answer was lost); finishing groups and registry. Role ${role.name}.`,
    );
  } else {
    await intents.put(siteId, email, {
      name: wanted,
      roleId: role.roleId,
      startedAt: nowOf(deps).toISOString(),
      startedBy: actor,
    });
    let readBack = false;
    try {
      // A lost answer is read back by email (never repeated: a repeat could hand back someone else's
      // account). Not found yet: the intent stays, so trying again finishes the creation.
      const out = await writeWithReadBack({
        write: () => deps.jira.createUser(email),
        readBack: async () => {
          const found = await searchAccountByEmail(deps.jira, email);
          return found ? { value: found } : undefined;
        },
        attempts: 1,
      });
      created = out.value;
      readBack = out.confirmedByReadBack;
    } catch (err) {
      if (err instanceof JiraOutcomeUnknownError || outcomeUnknown(err)) {
        await auditCreate(wanted, 'failed', "Jira's answer was lost and the account is not visible yet; try again.");
        throw new AppFailure(
          'JIRA_ERROR',
          "Jira's answer was lost and the new account is not visible yet. Try again in a moment: the creation will be finished, not repeated.",
        );
      }
      await intents.remove(siteId, email);
      const reason =
        err instanceof JiraApiError ? err.jiraMessage || `Jira answered ${err.status}.` : 'Unexpected error.';
      await auditCreate(wanted, 'failed', reason);
      if (err instanceof JiraApiError && err.status === 403 && /forge/i.test(reason)) {
        throw new AppFailure(
          'FORBIDDEN',
          `Jira does not let apps create accounts ("${reason}"). Create ${wanted} in admin.atlassian.com, then register it here.`,
        );
      }
      if (err instanceof JiraApiError && err.status === 403)
        throw new AppFailure(
          'SITE_ADMIN_REQUIRED',
          `Jira refused: ${reason} Creating accounts needs an organization admin.`,
        );
      if (err instanceof JiraApiError && err.status === 400)
        throw new AppFailure('CONFLICT', `Jira refused: ${reason}`);
      throw err;
    }
    if (!created.active) {
      // Jira handed back an existing, deactivated account (user search does not list inactive ones).
      await intents.remove(siteId, email);
      await auditCreate(
        created.accountId,
        'failed',
        `The email belongs to the existing, inactive account ${created.displayName}; nothing was changed.`,
      );
      throw new AppFailure(
        'CONFLICT',
        `An inactive account already uses this email (${created.displayName}). Reactivate and register it, or use another mailbox.`,
      );
    }
    await auditCreate(
      created.accountId,
      'done',
      `Created in Jira; role ${role.name}.${readBack ? ` ${READ_BACK_NOTE}` : ''}`,
    );
  }

  const results: CreateFunctionalResult['groups'] = [];
  for (const gid of role.groupIds) {
    const g = groups.find((x) => x.groupId === gid);
    const r = await applyMembership(deps.jira, 'add', gid, created.accountId);
    results.push({ groupId: gid, name: g?.name ?? gid, ...r });
    await deps.audit.record({
      actor,
      action: 'group.member.add',
      targetType: 'user',
      targetId: created.accountId,
      targetLabel: wanted,
      objectType: 'group',
      objectId: gid,
      objectLabel: g?.name,
      result: r.outcome,
      detail: r.message,
    });
  }
  const record: FunctionalRecord = {
    accountId: created.accountId,
    displayName: redactEmails(created.displayName),
    ownerAccountId: owner.accountId,
    owningGroupId: owningGroup.groupId,
    owningGroupName: redactEmails(owningGroup.name),
    purpose,
    integration,
    roleId: role.roleId,
    registeredAt: nowOf(deps).toISOString(),
    registeredBy: actor,
    credentials: [],
  };
  // Create-only (as register): a registration that got there first is kept, not overwritten.
  const registered = await deps.store.create(record);
  await deps.audit.record({
    actor,
    action: 'functional.register',
    targetType: 'user',
    targetId: created.accountId,
    targetLabel: wanted,
    objectType: 'group',
    objectId: owningGroup.groupId,
    objectLabel: owningGroup.name,
    result: registered ? 'done' : 'already',
    detail: registered
      ? `Owner ${owner.displayName}; integration ${integration}.`
      : 'Already registered (by a registration that came first); its record was kept as it is.',
  });
  await intents.remove(siteId, email);
  const failed = results.filter((r) => r.outcome === 'failed');
  const renamed =
    created.displayName === wanted
      ? ''
      : ` Jira named it "${created.displayName}" after its email: rename it to ${wanted} in admin.atlassian.com.`;
  return {
    accountId: created.accountId,
    displayName: created.displayName,
    conventionName: wanted,
    groups: results,
    message:
      failed.length > 0
        ? `Created and registered, but not added to ${failed.map((f) => f.name).join(', ')}.${renamed}`
        : `Created, added to the role's groups and registered.${renamed}`,
  };
}
