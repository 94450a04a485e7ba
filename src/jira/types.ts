/**
 * The slices of Jira's REST representations the app reads (see the OpenAPI `User`, `UserDetails`,
 * `GroupName`, `FoundGroups`, `ApplicationRole`, `UnrestrictedUserEmail`, JSM `ServiceDeskDTO`).
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
  groups?: { size: number; items: JiraGroup[] };
  applicationRoles?: { size: number; items: Array<{ key: string; name: string }> };
}

export interface JiraGroup {
  name: string;
  groupId: string;
}

export interface JiraApplicationRole {
  key: string;
  name: string;
  groups: string[];
  defaultGroups: string[];
  groupDetails?: JiraGroup[];
  /** Licence figures (OpenAPI `ApplicationRole`); absent when Jira leaves them out. */
  numberOfSeats?: number;
  remainingSeats?: number;
  hasUnlimitedSeats?: boolean;
}

export interface JiraServiceDesk {
  id: string;
  projectId: string;
  projectKey: string;
  projectName: string;
}
