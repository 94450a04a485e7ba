/**
 * What each kind of bulk job does to its items. Group membership has no bulk endpoint, so items go one
 * request each; a desk's customers are added or removed with JSM's bulk endpoint, 50 accounts a request,
 * falling back to one request per item only when Jira refuses a batch, to find out which item it refuses.
 */
import type { BulkOperation, ChangeResult } from '../../contract';
import type { JiraClient } from '../../jira';
import { JiraApiError } from '../../jira/errors';
import { JSM_CUSTOMER_BATCH } from '../../jira/servicedesk';
import type { JobItem } from './job-store';
import { applyMembership, RateLimitedFailure } from '../groups/membership';

export type BulkJira = Pick<
  JiraClient,
  'addUserToGroup' | 'removeUserFromGroup' | 'getUserGroupIds' | 'addCustomersToDesk' | 'removeCustomersFromDesk'
>;

export interface BulkOperationSpec {
  /** Items applied together in one unit of work. */
  batch: number;
  action: string;
  objectType: 'group' | 'servicedesk';
  /** One result per item; throws RateLimitedFailure when Jira keeps throttling (nothing recorded). */
  apply(jira: BulkJira, items: JobItem[]): Promise<ChangeResult[]>;
}

const membership = (op: 'add' | 'remove'): BulkOperationSpec => ({
  batch: 1,
  action: op === 'add' ? 'group.member.add' : 'group.member.remove',
  objectType: 'group',
  apply: (jira, items) => Promise.all(items.map((i) => applyMembership(jira, op, i.g, i.a))),
});

function customerFailure(err: JiraApiError): ChangeResult {
  if (err.status === 403)
    return {
      outcome: 'failed',
      message: 'Service desk administrator rights are required to change this desk’s customers.',
    };
  return { outcome: 'failed', message: err.jiraMessage || `Jira answered ${err.status}.` };
}

const customers = (op: 'add' | 'remove'): BulkOperationSpec => {
  const send = (jira: BulkJira, deskId: string, ids: string[]) =>
    op === 'add' ? jira.addCustomersToDesk(deskId, ids) : jira.removeCustomersFromDesk(deskId, ids);
  const done: ChangeResult = {
    outcome: 'done',
    message: op === 'add' ? 'On the service desk.' : 'Removed from the service desk (the account stays active).',
  };
  return {
    batch: JSM_CUSTOMER_BATCH,
    action: op === 'add' ? 'servicedesk.customer.add' : 'servicedesk.customer.remove',
    objectType: 'servicedesk',
    async apply(jira, items) {
      const deskId = (items[0] as JobItem).g;
      try {
        await send(
          jira,
          deskId,
          items.map((i) => i.a),
        );
        return items.map(() => done);
      } catch (err) {
        if (!(err instanceof JiraApiError)) throw err;
        if (err.status === 429) throw new RateLimitedFailure(err.retryAfter);
        if (items.length === 1 || (err.status !== 400 && err.status !== 404))
          return items.map(() => customerFailure(err));
      }
      // Jira refused the batch as a whole: one request per item tells which ones it refuses.
      const results: ChangeResult[] = [];
      for (const item of items) {
        try {
          await send(jira, deskId, [item.a]);
          results.push(done);
        } catch (err) {
          if (!(err instanceof JiraApiError)) throw err;
          if (err.status === 429) throw new RateLimitedFailure(err.retryAfter);
          results.push(customerFailure(err));
        }
      }
      return results;
    },
  };
};

export const BULK_OPERATIONS: Record<BulkOperation, BulkOperationSpec> = {
  'add-users-to-group': membership('add'),
  'add-user-to-groups': membership('add'),
  'remove-users-from-group': membership('remove'),
  'add-customers-to-desk': customers('add'),
  'remove-customers-from-desk': customers('remove'),
};
