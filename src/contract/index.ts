/**
 * The invoke contract shared by the frontend and the resolvers: each key with its payload and result.
 * Each feature's `resolvers.ts` implements its keys (src/resolver.ts assembles exactly these); the manifest contract test checks it.
 */
import type {
  AuditPage,
  AuditQueryPayload,
  BulkItemsPage,
  BulkItemsPayload,
  BulkJobView,
  BulkPreview,
  ChangeResult,
  CreateBulkJobPayload,
  MembershipChangePayload,
} from './changes';
import type {
  DeskCustomersPage,
  DeskCustomersPayload,
  ProvisionCustomerPayload,
  ProvisionResult,
  ServiceDeskPage,
} from './customers';
import type { SaveSettingsPayload, SettingsView } from './settings';
import type {
  CreateFunctionalPayload,
  CreateFunctionalResult,
  CredentialPayload,
  FunctionalAccountView,
  HealthCheckProgress,
  RegisterPayload,
  OwnerCheck,
  UnregisteredFunctional,
  UpdateFunctionalPayload,
  RegistryFilter,
  RegistryPage,
  RoleView,
  RotatePayload,
  SaveRolePayload,
} from './functional';
import type {
  EscalationSettingsView,
  HandOverPayload,
  HandOverView,
  IssueTypeOption,
  IssueTypesPayload,
  ListProjectsPayload,
  ProjectOption,
  SaveEscalationPayload,
} from './escalation';
import type {
  GroupMembersPage,
  GroupMembersPayload,
  GroupSummary,
  ListUsersPayload,
  ResolveIdentifiersPayload,
  ResolvedIdentifier,
  UserDetails,
  UserPage,
} from './people';

export * from './envelope';
export * from './people';
export * from './changes';
export * from './customers';
export * from './functional';
export * from './settings';
export * from './escalation';

export interface SiteSummary {
  caller: { accountId: string; displayName: string };
  /** Directory-wide counts come from the background snapshot; absent until the first one is built. */
  users?: { total: number; active: number; byType: Record<'atlassian' | 'app' | 'customer', number> };
  groups?: number;
  serviceDesks?: number;
  snapshot: {
    /** When the snapshot's crawl began (ISO); absent before the first one. */
    asOf?: string;
    /** A crawl is running (the first one, or a refresh). */
    building: boolean;
    /** How far the running crawl is, in words. */
    progress?: string;
    /**
     * What the last reconciliation (the crawl after the first) found the index had wrong, despite the
     * user events and the app's own changes: accounts added, removed and changed.
     */
    reconciled?: { corrected: number; added: number; removed: number; changed: number };
    /** Accounts changed since the snapshot (Jira's user events and the app's own changes), already applied. */
    changesSince?: number;
  };
}

type Empty = Record<string, never>;

export interface ResolverContract {
  getSiteSummary: { payload: Empty; result: SiteSummary };
  refreshSiteSummary: { payload: Empty; result: SiteSummary };
  listUsers: { payload: ListUsersPayload; result: UserPage };
  getUserDetails: { payload: { accountId: string }; result: UserDetails };
  resolveIdentifiers: { payload: ResolveIdentifiersPayload; result: ResolvedIdentifier[] };
  resetUserColumns: { payload: { accountId: string }; result: ChangeResult };
  deleteUser: { payload: { accountId: string; confirm: string }; result: ChangeResult };
  listProducts: { payload: Empty; result: Array<{ key: string; name: string }> };
  searchGroups: {
    payload: { query: string; startAt?: number };
    result: { total: number; startAt?: number; groups: GroupSummary[] };
  };
  listGroupMembers: { payload: GroupMembersPayload; result: GroupMembersPage };
  addGroupMember: { payload: MembershipChangePayload; result: ChangeResult };
  removeGroupMember: { payload: MembershipChangePayload; result: ChangeResult };
  createBulkJob: { payload: CreateBulkJobPayload; result: BulkJobView };
  runBulkJob: { payload: { jobId: string }; result: BulkJobView };
  cancelBulkJob: { payload: { jobId: string }; result: BulkJobView };
  getBulkJob: { payload: { jobId: string }; result: BulkJobView };
  listBulkJobs: { payload: Empty; result: BulkJobView[] };
  retryBulkFailures: { payload: { jobId: string }; result: BulkJobView };
  listBulkJobItems: { payload: BulkItemsPayload; result: BulkItemsPage };
  /** Active members of each group (inactive ones are not counted, as on the group's member page by default). */
  countGroupMembers: { payload: { groupIds: string[] }; result: Record<string, number> };
  previewBulkJob: { payload: CreateBulkJobPayload; result: BulkPreview };
  listAudit: { payload: AuditQueryPayload; result: AuditPage };
  /** One part of the CSV (under Forge's 5 MB limit); call again with `cursor: nextCursor` until it is absent. */
  exportAuditCsv: {
    payload: AuditQueryPayload;
    result: { csv: string; rows: number; truncated: boolean; nextCursor?: string };
  };
  /** Who sees hidden emails, retention periods; what the caller may see and change. */
  getSettings: { payload: Empty; result: SettingsView };
  /** Site administrators only; audited. */
  saveSettings: { payload: SaveSettingsPayload; result: SettingsView };
  listServiceDesks: { payload: { start?: number }; result: ServiceDeskPage };
  listDeskCustomers: { payload: DeskCustomersPayload; result: DeskCustomersPage };
  provisionCustomer: { payload: ProvisionCustomerPayload; result: ProvisionResult };
  listRoles: { payload: Empty; result: RoleView[] };
  saveRole: { payload: SaveRolePayload; result: RoleView };
  deleteRole: { payload: { roleId: string }; result: ChangeResult };
  listFunctional: { payload: RegistryFilter; result: RegistryPage };
  registerFunctional: { payload: RegisterPayload; result: FunctionalAccountView };
  unregisterFunctional: { payload: { accountId: string }; result: ChangeResult };
  updateFunctional: { payload: UpdateFunctionalPayload; result: FunctionalAccountView };
  checkFunctionalOwner: { payload: { accountId: string }; result: OwnerCheck };
  listUnregisteredFunctional: { payload: Empty; result: UnregisteredFunctional[] };
  createFunctional: { payload: CreateFunctionalPayload; result: CreateFunctionalResult };
  addCredential: { payload: CredentialPayload; result: FunctionalAccountView };
  rotateCredential: { payload: RotatePayload; result: FunctionalAccountView };
  runHealthCheck: { payload: Empty; result: HealthCheckProgress };
  getHealthCheck: { payload: { runId: string }; result: HealthCheckProgress };
  getEscalationSettings: { payload: Empty; result: EscalationSettingsView };
  listEscalationProjects: { payload: ListProjectsPayload; result: ProjectOption[] };
  listEscalationIssueTypes: { payload: IssueTypesPayload; result: IssueTypeOption[] };
  saveEscalationSettings: { payload: SaveEscalationPayload; result: EscalationSettingsView };
  checkEscalationSettings: { payload: Empty; result: EscalationSettingsView };
  handOverAccounts: { payload: HandOverPayload; result: HandOverView };
}

export type ResolverKey = keyof ResolverContract;

export const RESOLVER_KEYS: readonly ResolverKey[] = [
  'getSiteSummary',
  'refreshSiteSummary',
  'listUsers',
  'getUserDetails',
  'resolveIdentifiers',
  'resetUserColumns',
  'deleteUser',
  'listProducts',
  'searchGroups',
  'listGroupMembers',
  'addGroupMember',
  'removeGroupMember',
  'createBulkJob',
  'runBulkJob',
  'cancelBulkJob',
  'getBulkJob',
  'listBulkJobs',
  'retryBulkFailures',
  'listBulkJobItems',
  'countGroupMembers',
  'previewBulkJob',
  'listAudit',
  'exportAuditCsv',
  'getSettings',
  'saveSettings',
  'listServiceDesks',
  'listDeskCustomers',
  'provisionCustomer',
  'listRoles',
  'saveRole',
  'deleteRole',
  'listFunctional',
  'registerFunctional',
  'unregisterFunctional',
  'updateFunctional',
  'checkFunctionalOwner',
  'listUnregisteredFunctional',
  'createFunctional',
  'addCredential',
  'rotateCredential',
  'runHealthCheck',
  'getHealthCheck',
  'getEscalationSettings',
  'listEscalationProjects',
  'listEscalationIssueTypes',
  'saveEscalationSettings',
  'checkEscalationSettings',
  'handOverAccounts',
] as const;
