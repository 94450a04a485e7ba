/**
 * Expiry reminders' and hand-over's resolver keys: the settings view (project and issue type pickers as the
 * app sees them, save-and-check, check again) and "Hand over". Every key authorizes first (defineResolver).
 */
import { invalidInput } from '../../../invocation/app-error';
import type { ResolverDefinitions } from '../../../invocation/define';
import { asPayload, field } from '../../../invocation/validate';
import { escalationDeps, settingsDeps } from './deps';
import {
  getEscalationSettings,
  listIssueTypes,
  listProjects,
  recheckEscalation,
  saveEscalationSettings,
} from './escalation-settings';
import { handOver } from './handover';

/** A numeric Jira id (project, issue type), or absent. */
function numericId(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d{1,18}$/.test(value)) throw invalidInput(`${what} is not a Jira id.`);
  return value;
}

export const escalationResolvers: ResolverDefinitions<
  | 'getEscalationSettings'
  | 'listEscalationProjects'
  | 'listEscalationIssueTypes'
  | 'saveEscalationSettings'
  | 'checkEscalationSettings'
  | 'handOverAccounts'
> = {
  getEscalationSettings: { access: 'cached', run: () => getEscalationSettings(settingsDeps) },
  listEscalationProjects: {
    access: 'cached',
    run: ({ payload }) => listProjects(settingsDeps, field.optionalString(asPayload(payload), 'query', 100) ?? ''),
  },
  listEscalationIssueTypes: {
    access: 'cached',
    run: ({ payload }) => {
      const projectId = numericId(asPayload(payload).projectId, 'projectId');
      if (!projectId) throw invalidInput('Choose a project.');
      return listIssueTypes(settingsDeps, projectId);
    },
  },
  saveEscalationSettings: {
    access: 'live',
    run: ({ payload, accountId }) => {
      const p = asPayload(payload);
      const thresholds = p.thresholds;
      if (!Array.isArray(thresholds)) throw invalidInput('thresholds must be a list of days.');
      return saveEscalationSettings(settingsDeps, accountId, {
        projectId: numericId(p.projectId, 'projectId'),
        issueTypeId: numericId(p.issueTypeId, 'issueTypeId'),
        thresholds: thresholds as number[],
      });
    },
  },
  checkEscalationSettings: { access: 'live', run: () => recheckEscalation(settingsDeps) },
  handOverAccounts: {
    access: 'live',
    run: ({ payload, accountId }) => {
      const p = asPayload(payload);
      return handOver(
        escalationDeps,
        accountId,
        field.accountId(p, 'fromAccountId'),
        field.accountId(p, 'toAccountId'),
      );
    },
  },
};
