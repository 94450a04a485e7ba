/**
 * Functional-account creations in progress, so a creation whose answer was lost can be finished by
 * trying again. One KVS value per creation under `fa-create:<digest>`, where the digest is a SHA-256 of
 * the site and the lower-cased email: the email itself is never stored. Written just before Jira is asked
 * to create the account; removed once the account is in its groups and registered, or when Jira refused.
 */
import { kvs } from '../../store/kvs-retry';
import { createHash } from 'node:crypto';

const PREFIX = 'fa-create:';

export interface CreationIntent {
  /** The convention name the creation was started for. */
  name: string;
  roleId: string;
  startedAt: string;
  startedBy: string;
}

export interface CreationIntentStore {
  get(siteId: string, email: string): Promise<CreationIntent | undefined>;
  put(siteId: string, email: string, intent: CreationIntent): Promise<void>;
  remove(siteId: string, email: string): Promise<void>;
}

export function creationIntentKey(siteId: string, email: string): string {
  return PREFIX + createHash('sha256').update(`${siteId}\n${email.trim().toLowerCase()}`).digest('hex');
}

export const creationIntentStore: CreationIntentStore = {
  async get(siteId, email) {
    return (await kvs.get<CreationIntent>(creationIntentKey(siteId, email))) ?? undefined;
  },
  async put(siteId, email, intent) {
    await kvs.set(creationIntentKey(siteId, email), intent);
  },
  async remove(siteId, email) {
    await kvs.delete(creationIntentKey(siteId, email));
  },
};
