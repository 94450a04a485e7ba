/**
 * JSM customers' resolver keys: service desks, a desk's customers, and the one-step "provision customer"
 * (create or link the account, then add it to desks).
 */
import { jira } from '../../jira';
import { invalidInput } from '../../invocation/app-error';
import type { ResolverDefinitions } from '../../invocation/define';
import { asPayload, field, type Payload } from '../../invocation/validate';
import { auditStore } from '../audit/audit-store';
import { accountTypeIndex, emailIndex, recordCustomerCreated } from '../directory-index/resolvers';
import { listDeskCustomers, listDesks, provisionCustomer } from './customers';
import { hiddenEmailPolicy } from '../people/email-policy';

const DESK_ID = /^[0-9]{1,18}$/;

/** A service desk ID from the payload's `name` field, or INVALID_INPUT. */
export function deskId(p: Payload, name = 'deskId'): string {
  const v = field.string(p, name, 18);
  if (!DESK_ID.test(v)) throw invalidInput(`${name} is not a service desk ID.`);
  return v;
}

export const customersResolvers: ResolverDefinitions<'listServiceDesks' | 'listDeskCustomers' | 'provisionCustomer'> = {
  listServiceDesks: {
    access: 'cached',
    run: ({ payload }) => listDesks(jira, field.optionalInt(asPayload(payload), 'start', 0, 1_000_000) ?? 0),
  },
  listDeskCustomers: {
    access: 'cached',
    run: ({ payload, accountId, siteId }) => {
      const p = asPayload(payload);
      return listDeskCustomers(
        jira,
        deskId(p),
        field.optionalString(p, 'query', 100) ?? '',
        field.optionalInt(p, 'start', 0, 10_000_000) ?? 0,
        hiddenEmailPolicy(jira, `${siteId}\n${accountId}`),
        accountTypeIndex,
      );
    },
  },
  provisionCustomer: {
    access: 'live',
    run: async ({ payload, accountId }) => {
      const p = asPayload(payload);
      const deskIds = p.deskIds;
      if (!Array.isArray(deskIds) || deskIds.length > 20)
        throw invalidInput('deskIds must be a list of at most 20 service desks.');
      const email = field.string(p, 'email', 254);
      const displayName = field.string(p, 'displayName', 255);
      const result = await provisionCustomer(
        jira,
        auditStore,
        accountId,
        { email, displayName, deskIds: deskIds.map((_, i) => deskId({ d: deskIds[i] }, 'd')) },
        emailIndex,
      );
      // A new customer account is in the directory index as it lands (found by name and email at once).
      if (result.created) await recordCustomerCreated(result.accountId, displayName.trim(), email.trim());
      return result;
    },
  },
};
