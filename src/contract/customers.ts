/**
 * Contract types for Jira Service Management customers: desks, a desk's customers, provisioning.
 */
import type { ItemOutcome } from './changes';
import type { UserRow } from './people';

export interface ServiceDeskView {
  id: string;
  projectKey: string;
  projectName: string;
}

export interface ServiceDeskPage {
  desks: ServiceDeskView[];
  start: number;
  isLast: boolean;
}

export interface DeskCustomersPayload {
  deskId: string;
  query?: string;
  start?: number;
}

export interface DeskCustomersPage {
  desk: ServiceDeskView;
  customers: UserRow[];
  start: number;
  isLast: boolean;
}

export interface ProvisionCustomerPayload {
  email: string;
  displayName: string;
  deskIds: string[];
}

export interface ProvisionResult {
  accountId: string;
  /** True when Jira created a new customer account; false when the email already had an account, which was linked. */
  created: boolean;
  message: string;
  desks: Array<{ deskId: string; outcome: ItemOutcome; message: string }>;
}
