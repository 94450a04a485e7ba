/**
 * Backup owners: up to three people per functional account, told with the owner at every expiry
 * reminder, who take the account over when the owner leaves. Register and edit accept them with warnings
 * in words (a backup who is the owner, inactive, another functional account, or not a person); only an
 * account that does not exist, or more than three, is refused. Reads people with `user/bulk` (asUser in
 * resolvers) and the registry from KVS.
 */
import type { BackupOwnerView } from '../../contract';
import { MAX_BACKUP_OWNERS } from '../../contract';
import { looksFunctional } from '../../contract/naming';
import type { JiraUser } from '../../jira/types';
import { AppFailure, invalidInput } from '../../invocation/app-error';
import { redactEmails } from '../../store/redact';

/** What the registry needs to know about a person to warn about them as a backup. */
export interface PersonFact {
  displayName: string;
  active: boolean;
  accountType: string;
}

export function factOfUser(u: JiraUser): PersonFact {
  return { displayName: redactEmails(u.displayName), active: u.active, accountType: u.accountType };
}

/** Warnings about `accountId` as a backup of an account owned by `ownerId`. Pure. */
export function backupWarnings(
  accountId: string,
  ownerId: string,
  person: PersonFact | undefined,
  registered: boolean,
): string[] {
  const name = person?.displayName ?? 'This person';
  const out: string[] = [];
  if (!person) return [`${name} no longer exists in Jira: choose another backup owner.`];
  if (accountId === ownerId) out.push(`${name} is the owner already: a backup should be someone else.`);
  if (person.accountType !== 'atlassian')
    out.push(`${name} is not a person (${person.accountType === 'app' ? 'an app' : 'a customer'} account).`);
  else if (registered || looksFunctional(person.displayName))
    out.push(`${name} is itself a functional account: a backup should be a person.`);
  if (!person.active) out.push(`${name} is inactive and will not be told or take over.`);
  return out;
}

export function backupViews(
  ids: string[] | undefined,
  ownerId: string,
  people: Map<string, PersonFact>,
  registered: Set<string>,
): BackupOwnerView[] {
  return (ids ?? []).map((id) => {
    const person = people.get(id);
    return {
      accountId: id,
      name: person?.displayName ?? 'Former user',
      warnings: backupWarnings(id, ownerId, person, registered.has(id)),
    };
  });
}

/**
 * The backups as given (duplicates dropped, order kept), refusing more than three and accounts Jira does
 * not know. `lookup` reads the people (one `user/bulk`).
 */
export async function validBackups(
  ids: string[] | undefined,
  lookup: (ids: string[]) => Promise<JiraUser[]>,
): Promise<{ ids: string[]; people: Map<string, PersonFact> }> {
  const unique = [...new Set(ids ?? [])];
  if (unique.length > MAX_BACKUP_OWNERS) throw invalidInput(`At most ${MAX_BACKUP_OWNERS} backup owners.`);
  if (unique.length === 0) return { ids: [], people: new Map() };
  const found = new Map((await lookup(unique)).map((u) => [u.accountId, factOfUser(u)]));
  if (unique.some((id) => !found.has(id))) throw new AppFailure('NOT_FOUND', 'A backup owner does not exist.');
  return { ids: unique, people: found };
}
