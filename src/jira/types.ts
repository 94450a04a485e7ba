/**
 * The slices of Jira's REST representations the app reads (see the OpenAPI `User`, `GroupName`,
 * `PageBeanGroupDetails`, `Permissions`, JSM `ServiceDeskDTO`).
 */
export type AccountType = 'atlassian' | 'app' | 'customer' | 'unknown';

export interface JiraUser {
  accountId: string;
  accountType: AccountType;
  displayName: string;
  active: boolean;
  emailAddress?: string;
  avatarUrls?: Record<string, string>;
  timeZone?: string;
  locale?: string;
}

export interface JiraGroup {
  name: string;
  groupId: string;
}

export interface JiraServiceDesk {
  id: string;
  projectId: string;
  projectKey: string;
  projectName: string;
}
