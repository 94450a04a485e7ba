/**
 * Keeping the functional-account registry right after registration: edit a registered account (owner,
 * owning group, purpose, integration, role), warn before a person becomes an owner who cannot answer for
 * it (another functional account, an inactive person, not a person at all), and find accounts named like
 * functional accounts that the registry does not hold yet. Every change is audited, by name.
 */
import type {
  FunctionalAccountView,
  OwnerCheck,
  UnregisteredFunctional,
  UpdateFunctionalPayload,
} from '../../contract';
import { redactEmails } from '../../store/redact';
import { AppFailure } from '../../invocation/app-error';
import {
  type FunctionalDeps,
  lockedAccount,
  mustRecord,
  nowOf,
  text,
  toView,
  verifyPeopleAndGroup,
} from './functional-accounts';
import { looksFunctional } from '../../contract/naming';
import { validBackups } from './backup-owners';
import { currentFindings } from './functional-health';

/** Accounts the "unregistered" prompt lists at most (one user search page). */
export const UNREGISTERED_LIMIT = 100;

export async function updateFunctional(
  deps: FunctionalDeps,
  actor: string,
  p: UpdateFunctionalPayload,
): Promise<FunctionalAccountView> {
  return lockedAccount(p.accountId, () => updateUnlocked(deps, actor, p));
}

/** The edit itself, under the account's lock: read, compare, write. */
async function updateUnlocked(
  deps: FunctionalDeps,
  actor: string,
  p: UpdateFunctionalPayload,
): Promise<FunctionalAccountView> {
  const record = await mustRecord(deps, p.accountId);
  const purpose = text(p.purpose, 'Purpose', 500);
  const integration = text(p.integration, 'Integration', 200);
  if (p.roleId && !(await deps.store.role(p.roleId))) throw new AppFailure('NOT_FOUND', 'No such role.');
  const { owner, group } = await verifyPeopleAndGroup(deps, p.accountId, p.ownerAccountId, p.owningGroupId);
  // Absent: the backups stay as they are (an older page that does not know them changes nothing).
  const backups =
    p.backupOwnerAccountIds === undefined
      ? undefined
      : await validBackups(p.backupOwnerAccountIds, async (ids) => (await deps.jira.getUsersBulkPage(ids, 0)).items);
  const changes: string[] = [];
  if (record.ownerAccountId !== owner.accountId) changes.push(`owner ${owner.displayName}`);
  if (backups && backups.ids.join(',') !== (record.backupOwnerIds ?? []).join(','))
    changes.push(
      backups.ids.length > 0
        ? `backups ${backups.ids.map((id) => backups.people.get(id)?.displayName ?? 'a former user').join(', ')}`
        : 'no backups',
    );
  if (record.owningGroupId !== group.groupId) changes.push(`owning group ${group.name}`);
  if (record.purpose !== purpose) changes.push('purpose');
  if (record.integration !== integration) changes.push(`integration ${integration}`);
  if ((record.roleId ?? '') !== (p.roleId ?? '')) changes.push('role');
  // A finding about the previous owner no longer holds once an active person owns the account; the next
  // health check re-examines everything else.
  const ownerFixed = record.ownerAccountId !== owner.accountId && owner.active;
  const { handover, ...unmarked } = record;
  const updated = {
    // A new owner chosen by hand settles a hand-over: the registry's mark goes.
    ...(record.ownerAccountId !== owner.accountId ? unmarked : { ...unmarked, ...(handover ? { handover } : {}) }),
    ...(backups ? { backupOwnerIds: backups.ids } : {}),
    ownerAccountId: owner.accountId,
    owningGroupId: group.groupId,
    owningGroupName: group.name,
    purpose,
    integration,
    roleId: p.roleId || undefined,
  };
  await deps.store.put(updated);
  // Findings live in the health check's own entry (fa-check:), or in records written before it existed.
  // A health slice may write this entry after us (it read the record before this edit): its owner findings
  // are then tagged with the former owner and left out of every view (currentFindings), so dropping them
  // here is never undone by that later write.
  const stored = (await deps.store.checks([record.accountId])).get(record.accountId);
  let check = {
    findings: currentFindings(record, stored),
    checkedAt: stored?.checkedAt ?? record.checkedAt ?? nowOf(deps).toISOString(),
    ...(stored?.owner ? { owner: stored.owner } : {}),
  };
  if (ownerFixed && check.findings.some((f) => f.kind.startsWith('owner-'))) {
    check = { ...check, findings: check.findings.filter((f) => !f.kind.startsWith('owner-')), owner: owner.accountId };
    await deps.store.putChecks([{ accountId: record.accountId, check }]);
  }
  await deps.audit.record({
    actor,
    action: 'functional.update',
    targetType: 'user',
    targetId: record.accountId,
    targetLabel: record.displayName,
    objectType: 'group',
    objectId: group.groupId,
    objectLabel: group.name,
    result: changes.length > 0 ? 'done' : 'already',
    detail: changes.length > 0 ? `Changed ${changes.join(', ')}.` : 'Nothing changed.',
  });
  const people = backups?.people ?? new Map();
  const registered = new Set((await deps.store.getMany(updated.backupOwnerIds ?? [])).map((r) => r.accountId));
  return toView(updated, nowOf(deps), new Map([[owner.accountId, owner.displayName]]), check, { people, registered });
}

/** Warnings about making `accountId` an owner; an unknown account is a NOT_FOUND error. */
export async function checkOwner(deps: FunctionalDeps, accountId: string): Promise<OwnerCheck> {
  const [users, registered] = await Promise.all([
    deps.jira.getUsersBulkPage([accountId], 0),
    deps.store.get(accountId),
  ]);
  const user = users.items[0];
  if (!user) throw new AppFailure('NOT_FOUND', 'That account does not exist.');
  const name = redactEmails(user.displayName);
  const warnings: string[] = [];
  if (user.accountType !== 'atlassian')
    warnings.push(
      `${name} is not a person (${user.accountType === 'app' ? 'an app' : 'a customer'} account): choose a person, Register will refuse this owner.`,
    );
  else if (registered || looksFunctional(user.displayName))
    warnings.push(`${name} is itself a functional account: an owner should be a person who answers for this one.`);
  if (!user.active)
    warnings.push(`${name} is inactive: the account would be orphaned at once. Choose an active person.`);
  return { accountId, displayName: name, warnings };
}

/**
 * Accounts whose name follows the functional convention (`_Func_`) but are not registered: one user
 * search for `func` (which matches the name's words, as the convention intends) and one registry read.
 * Jira's user search lists active accounts only.
 */
export async function listUnregistered(deps: FunctionalDeps): Promise<UnregisteredFunctional[]> {
  const page = await deps.jira.searchUsersPage('func', 0, UNREGISTERED_LIMIT);
  const candidates = page.items.filter((u) => looksFunctional(u.displayName));
  const registered = new Set((await deps.store.getMany(candidates.map((u) => u.accountId))).map((r) => r.accountId));
  return candidates
    .filter((u) => !registered.has(u.accountId))
    .map((u) => ({
      accountId: u.accountId,
      displayName: redactEmails(u.displayName),
      accountType: u.accountType,
      active: u.active,
    }));
}
