/**
 * Jira user events as Forge delivers them to `trigger` modules, and the simulator's emitter for them.
 *
 * Shape (Forge "Jira events" reference, developer.atlassian.com/platform/forge/events-reference/jira/,
 * section "User events"): three events, scope `read:jira-user` (granular: `read:application-role:jira`,
 * `read:group:jira`, `read:user:jira`, `read:avatar:jira`):
 * - `avi:jira:created:user` and `avi:jira:updated:user` carry `{ eventType, user: UserDetails }`;
 * - `avi:jira:deleted:user` carries `{ eventType, user: User }`, where `User` is `{ accountId }` only.
 * The reference lists no `atlassianId` for user events (it does for most others), so none is sent.
 * `UserDetails` is the user as `GET /rest/api/3/user?expand=groups,applicationRoles` shows it, with
 * `groups` and `applicationRoles` as `{ size, items }` (the reference's example; DESIGN.md §2).
 *
 * When the simulator emits (choices where Atlassian is silent are marked so):
 * - created: `POST /rest/api/3/user`, `POST /rest/servicedeskapi/customer` (a customer is an account on
 *   the site: our choice), and `sim.directory.createUser` (an account made in Atlassian Administration);
 * - updated: a profile change (display name, email, visibility, time zone, locale) or active status
 *   through `sim.directory.updateUser`; a group-membership change only when the simulator's
 *   `userEvents.onGroupChange` option is on (off by default: Atlassian does not say it fires);
 * - deleted: `DELETE /rest/api/3/user` and `sim.directory.deleteUser`.
 * Events are emitted after the change is applied and after the HTTP answer is sent (a listener never
 * delays or fails the request). Delivery semantics (at least once, late, out of order) are the Forge
 * runtime emulation's job, not the simulator's: listeners get each event once, in order of change.
 */

export type JiraUserEventType = 'avi:jira:created:user' | 'avi:jira:updated:user' | 'avi:jira:deleted:user';

/** A group in `UserDetails.groups.items`. */
export interface UserEventGroup {
  name: string;
  groupId: string;
  self: string;
}

/** An application role (product) in `UserDetails.applicationRoles.items`. */
export interface UserEventApplicationRole {
  key: string;
  name: string;
}

/** The user of a created/updated event: the account, its status, groups and product access. */
export interface UserEventDetails {
  self: string;
  accountId: string;
  accountType: 'atlassian' | 'app' | 'customer';
  /** Absent when the profile hides it (as in every user representation). */
  emailAddress?: string;
  avatarUrls: Record<string, string>;
  displayName: string;
  active: boolean;
  timeZone: string;
  locale: string;
  groups: { size: number; items: UserEventGroup[] };
  applicationRoles: { size: number; items: UserEventApplicationRole[] };
}

export interface JiraUserCreatedOrUpdatedEvent {
  eventType: 'avi:jira:created:user' | 'avi:jira:updated:user';
  user: UserEventDetails;
}

export interface JiraUserDeletedEvent {
  eventType: 'avi:jira:deleted:user';
  user: { accountId: string };
}

/** The event payload a `trigger` module's function receives as its first argument. */
export type JiraUserEvent = JiraUserCreatedOrUpdatedEvent | JiraUserDeletedEvent;

/** Where the event happened, for routing it to the installation(s) of that site. */
export interface UserEventOrigin {
  /** The site's cloud id (`ari:cloud:jira::site/<cloudId>` is its installation context). */
  cloudId: string;
  /** Milliseconds since the epoch when the change was applied. */
  at: number;
}

export type UserEventListener = (event: JiraUserEvent, origin: UserEventOrigin) => void;

export interface UserEventOptions {
  /** Emit `avi:jira:updated:user` when a user joins or leaves a group (default false; Atlassian does not say). */
  onGroupChange?: boolean;
}

/**
 * Fan-out of user events to subscribers. `emit` defers delivery to the next macrotask, so a listener
 * runs after the HTTP answer is written; a throwing listener is logged and does not stop the others.
 */
export class UserEventEmitter {
  private readonly listeners = new Set<UserEventListener>();
  /** Every event emitted, in order (for tests). */
  readonly emitted: Array<{ event: JiraUserEvent; origin: UserEventOrigin }> = [];

  constructor(readonly options: UserEventOptions = {}) {}

  /** Subscribes; returns the unsubscribe function. */
  on(listener: UserEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: JiraUserEvent, origin: UserEventOrigin): void {
    this.emitted.push({ event, origin });
    const listeners = [...this.listeners];
    setImmediate(() => {
      for (const listener of listeners) {
        try {
          listener(event, origin);
        } catch (err) {
          console.error('jira-sim: a user-event listener threw', err);
        }
      }
    });
  }
}
