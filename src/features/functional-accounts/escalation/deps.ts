/**
 * The escalation services wired to the real Jira client (asApp calls), KVS stores and Forge's queue: shared
 * by the resolvers (settings, "Hand over") and the `functional-escalation` consumer.
 */
import { jira } from '../../../jira';
import { auditStore } from '../../audit/audit-store';
import { functionalStore } from '../functional-store';
import { type EscalationDeps, pushEscalationEvents } from './escalation';
import { escalationStore } from './escalation-store';

export const escalationDeps: EscalationDeps = {
  jira,
  store: functionalStore,
  esc: escalationStore,
  audit: auditStore,
  push: pushEscalationEvents,
};

export const settingsDeps = { jira, esc: escalationStore, audit: auditStore };
