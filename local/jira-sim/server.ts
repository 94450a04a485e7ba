/**
 * The Jira Cloud simulator's HTTP server (127.0.0.1, ephemeral port by default). Authenticates each
 * request (HTTP Basic `email:token` for seeded users, or the Forge proxy's app/user principal), enforces
 * the app's manifest scopes, the experimental-API header, rate limits (rate-limit.ts: the app's points
 * pool, burst limits per path and method) and injected faults, routes it, meters it (points.ts), answers
 * with `X-AACCOUNTID` (the caller's account id, as Jira does), and emits user events (user-events.ts)
 * for accounts created, changed or deleted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector, type FaultOptions } from './faults';
import {
  SimHttpError,
  errorBody,
  matchTemplate,
  type Principal,
  type Route,
  type SimRequest,
  type SimResponse,
} from './http';
import { Meter } from './meter';
import { groupsOfUser, newUuid, productAccessOf, type SimUser, type SiteState } from './model';
import { isWrite, pointsFor } from './points';
import { PointsBank } from './quota';
import { RateLimiter, refusalHeaders, type RateLimitOptions } from './rate-limit';
import { avatarUrls, groupName, userSelf } from './representations';
import { groupRoutes } from './routes/groups';
import { issueRoutes } from './routes/issues';
import { serviceDeskRoutes } from './routes/servicedesk';
import { siteRoutes } from './routes/site';
import { userRoutes } from './routes/users';
import { operationMeta, scopesSatisfied } from './scopes';
import { seedSite, type SeedOptions } from './seed';
import {
  UserEventEmitter,
  type JiraUserEvent,
  type UserEventDetails,
  type UserEventListener,
  type UserEventOptions,
} from './user-events';

/** Headers the Forge runtime emulation sets on product requests (the real Forge proxy does this with OAuth). */
export const FORGE_INSTALL_HEADER = 'x-forge-sim-install';
export const FORGE_PRINCIPAL_HEADER = 'x-forge-sim-principal';

export interface AppInstallation {
  installToken: string;
  /** The app's id (manifest `app.id`): its Tier-1 points pool is shared by every installation of it. */
  appId?: string;
  scopes: string[];
  /** Scopes declared with `allowImpersonation: true`: the only ones an impersonated (offline) user request may use. */
  impersonationScopes?: string[];
}

/** Set by the runtime emulation on an impersonated (offline) user request. */
export const FORGE_IMPERSONATION_HEADER = 'x-forge-sim-impersonation';

export interface SimulatorOptions {
  port?: number;
  seed?: SeedOptions;
  state?: SiteState;
  /** Rate limits; absent fields take the published ones (Tier-1 pool, published burst limits). */
  rateLimits?: RateLimitOptions;
  /** The bank holding the points pools; give several simulators one bank to host several sites of one app. */
  pointsBank?: PointsBank;
  /** User events (created/updated/deleted): which changes emit them. */
  userEvents?: UserEventOptions;
  faults?: FaultOptions;
  apps?: AppInstallation[];
  /**
   * POST /rest/api/3/user says "This API does not support Forge apps": by default a request that comes
   * through the Forge proxy is refused with 403. `true` simulates a site where Atlassian allows it.
   */
  allowForgeUserCreation?: boolean;
}

/** Changes an administrator makes in Atlassian Administration (no REST operation here): they emit user events. */
export interface SimDirectory {
  createUser(input: Pick<SimUser, 'email' | 'displayName'> & Partial<SimUser>): SimUser;
  updateUser(
    accountId: string,
    patch: Partial<Pick<SimUser, 'displayName' | 'email' | 'emailVisible' | 'timeZone' | 'locale' | 'active'>>,
  ): SimUser;
  deleteUser(accountId: string): void;
}

export interface Simulator {
  url: string;
  state: SiteState;
  meter: Meter;
  rateLimiter: RateLimiter;
  /** The points pools this site charges (shared with other simulators given the same bank). */
  pointsBank: PointsBank;
  faults: FaultInjector;
  /** User events emitted so far and the emitter's options. */
  userEvents: UserEventEmitter;
  /** Subscribes to user events; returns the unsubscribe function. */
  onUserEvent(listener: UserEventListener): () => void;
  directory: SimDirectory;
  installApp(app: AppInstallation): void;
  close(): Promise<void>;
}

/** The app id an installation is charged under when it names none. */
export const DEFAULT_APP_ID = 'local-app';

export const ROUTES: Route[] = [...userRoutes, ...groupRoutes, ...siteRoutes, ...serviceDeskRoutes, ...issueRoutes];

function findRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const params = matchTemplate(route.template, path);
    if (params) return { route, params };
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  // Form bodies (e.g. `PUT user/columns`, documented as HTML form data) arrive as field → values.
  if (type.startsWith('application/x-www-form-urlencoded')) return formFields(new URLSearchParams(text));
  if (type.startsWith('multipart/form-data'))
    return formFields(multipartFields(text, String(req.headers['content-type'])));
  try {
    return JSON.parse(text);
  } catch {
    throw new SimHttpError(400, 'Unexpected character in request body: the body must be JSON.');
  }
}

/** Form fields as `{ name: [values] }`. */
function formFields(fields: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of fields) (out[k] ??= []).push(v);
  return out;
}

/** The text fields of a `multipart/form-data` body (enough for the simulator's form operations). */
function multipartFields(text: string, contentType: string): URLSearchParams {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  const fields = new URLSearchParams();
  if (!boundary) throw new SimHttpError(400, 'The multipart body has no boundary.');
  for (const part of text.split(`--${boundary}`)) {
    const [head, ...rest] = part.split(/\r?\n\r?\n/);
    const name = /name="([^"]+)"/.exec(head ?? '')?.[1];
    if (name) fields.append(name, rest.join('\n\n').replace(/\r?\n$/, ''));
  }
  return fields;
}

interface Authenticated {
  principal: Principal;
  /** The installation, when the request came through the Forge proxy (app traffic: charged points). */
  app?: AppInstallation;
  /** Scopes of the Forge app installation, when the request came through the Forge proxy. */
  appScopes?: ReadonlySet<string>;
  label: string;
}

function authenticate(
  state: SiteState,
  apps: Map<string, AppInstallation>,
  req: IncomingMessage,
): Authenticated | SimHttpError {
  const install = req.headers[FORGE_INSTALL_HEADER];
  if (typeof install === 'string') {
    const app = apps.get(install);
    if (!app) return new SimHttpError(401, 'Unauthorized; the app is not installed on this site.');
    const who = String(req.headers[FORGE_PRINCIPAL_HEADER] ?? '');
    const scopes = new Set(app.scopes);
    if (who === 'app')
      return { principal: { kind: 'app', accountId: state.appAccountId }, app, appScopes: scopes, label: 'app' };
    if (who.startsWith('user:')) {
      const accountId = who.slice(5);
      const user = state.users.get(accountId);
      if (!user || !user.active) return new SimHttpError(401, 'Unauthorized; the user is unknown or inactive.');
      const impersonated = req.headers[FORGE_IMPERSONATION_HEADER] === '1';
      return {
        principal: { kind: 'user', accountId, viaApp: true },
        app,
        appScopes: impersonated ? new Set(app.impersonationScopes ?? []) : scopes,
        label: `user:${accountId}`,
      };
    }
    return new SimHttpError(401, 'Unauthorized; no principal.');
  }
  const auth = req.headers.authorization;
  if (auth?.startsWith('Basic ')) {
    const [email, token] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(/:(.*)/s);
    const user = [...state.users.values()].find((u) => u.email.toLowerCase() === (email ?? '').toLowerCase());
    if (!user || !user.active || user.accountType !== 'atlassian' || token !== state.apiToken) {
      return new SimHttpError(401, 'Client must be authenticated to access this resource.');
    }
    return {
      principal: { kind: 'user', accountId: user.accountId, viaApp: false },
      label: `basic:${user.accountId}`,
    };
  }
  if (auth !== undefined) {
    // Jira refuses credentials it cannot verify with 401 rather than serving the request anonymously
    // (every operation documents "401: the authentication credentials are incorrect"). The simulator
    // issues no OAuth 2.0 (3LO) access tokens, so any Bearer token, like any other scheme, is incorrect.
    return new SimHttpError(401, 'Client must be authenticated to access this resource.');
  }
  return { principal: { kind: 'anonymous' }, label: 'anonymous' };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { 'Content-Type': 'application/json;charset=UTF-8' } : {}),
    ...headers,
  });
  res.end(text);
}

/** A user as a created/updated user event carries it (user-events.ts). */
function userEventDetails(state: SiteState, baseUrl: string, user: SimUser): UserEventDetails {
  const groups = groupsOfUser(state, user.accountId).map((g) => groupName(baseUrl, g));
  const roles = productAccessOf(state, user.accountId).map((r) => ({ key: r.key, name: r.name }));
  return {
    self: userSelf(baseUrl, user.accountId),
    accountId: user.accountId,
    accountType: user.accountType,
    ...(user.emailVisible ? { emailAddress: user.email } : {}),
    avatarUrls: avatarUrls(user),
    displayName: user.displayName,
    active: user.active,
    timeZone: user.timeZone,
    locale: user.locale,
    groups: { size: groups.length, items: groups },
    applicationRoles: { size: roles.length, items: roles },
  };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const state = options.state ?? seedSite(options.seed);
  const meter = new Meter();
  const apps = new Map<string, AppInstallation>((options.apps ?? []).map((a) => [a.installToken, a]));
  const pointsBank = options.pointsBank ?? new PointsBank();
  const rateLimiter = new RateLimiter(options.rateLimits ?? {}, pointsBank, {
    cloudId: state.cloudId,
    users: () => [...state.users.values()].filter((u) => u.accountType === 'atlassian' && u.active).length,
    appIds: () => [...new Set([...apps.values()].map((a) => a.appId ?? DEFAULT_APP_ID))],
  });
  const faults = new FaultInjector(options.faults ?? {});
  const userEvents = new UserEventEmitter(options.userEvents ?? {});
  let siteUrl = '';

  /** Emits the user events for changes already applied to the state. */
  const emitUserChanges = (changes: readonly { kind: string; accountId: string }[]) => {
    for (const change of changes) {
      let event: JiraUserEvent | undefined;
      if (change.kind === 'deleted')
        event = { eventType: 'avi:jira:deleted:user', user: { accountId: change.accountId } };
      else if (change.kind !== 'groups' || userEvents.options.onGroupChange) {
        const user = state.users.get(change.accountId);
        if (user)
          event = {
            eventType: change.kind === 'created' ? 'avi:jira:created:user' : 'avi:jira:updated:user',
            user: userEventDetails(state, siteUrl, user),
          };
      }
      if (event) userEvents.emit(event, { cloudId: state.cloudId, at: pointsBank.now() });
    }
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const baseUrl = `http://${req.headers.host ?? '127.0.0.1'}`;
    const found = findRoute(method, path);
    const dialect = found?.route.dialect ?? (path.startsWith('/rest/servicedeskapi') ? 'jsm' : 'platform');
    const endpoint = found?.route.template ?? path;
    const objectType = found?.route.returns;
    let label = 'anonymous';
    /** Headers every answer from here on carries: the caller's account id, burst and pool figures. */
    const common: Record<string, string> = {};
    let pool: string | undefined;
    const finish = (status: number, body: unknown, headers: Record<string, string> = {}, points = 0, objects = 0) => {
      meter.record({
        method,
        path,
        endpoint,
        principal: label,
        status,
        points,
        objectType,
        objects,
        pool,
        at: started,
      });
      send(res, status, body, { ...common, ...headers });
    };
    try {
      const delay = faults.latency(path);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const auth = authenticate(state, apps, req);
      if (auth instanceof SimHttpError) return finish(auth.status, errorBody(dialect, auth));
      label = auth.label;
      // Jira names the account a request acted as in `X-AACCOUNTID` (the app user for asApp).
      if (auth.principal.kind !== 'anonymous') common['X-AACCOUNTID'] = auth.principal.accountId;
      const appId = auth.app ? (auth.app.appId ?? DEFAULT_APP_ID) : undefined;
      const fault = faults.draw(path);
      if (fault.kind === 'reset') {
        meter.record({ method, path, endpoint, principal: label, status: 0, points: 0, at: started });
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'error')
        return finish(
          fault.status,
          errorBody(dialect, new SimHttpError(fault.status, 'Internal server error (injected fault).')),
        );
      if (fault.kind === 'throttle') {
        return finish(
          429,
          errorBody(dialect, new SimHttpError(429, 'Rate limit exceeded.')),
          refusalHeaders(fault.reason, fault.retryAfter),
        );
      }
      if (appId !== undefined) {
        // A spent pool refuses every request charged to it, whatever the path, until the top of the hour.
        pool = rateLimiter.pool(appId)?.key;
        const quota = rateLimiter.admitPool(appId);
        if (quota.limited)
          return finish(429, errorBody(dialect, new SimHttpError(429, 'Rate limit exceeded.')), quota.headers);
      }
      const burst = found ? rateLimiter.admitBurst(method, endpoint) : { limited: false, headers: {} };
      Object.assign(common, burst.limited ? {} : burst.headers);
      if (burst.limited)
        return finish(429, errorBody(dialect, new SimHttpError(429, 'Rate limit exceeded.')), burst.headers);
      if (!found) {
        // A resource that exists but does not take this method answers 405 with `Allow`, as any JAX-RS
        // resource (Jira's REST layer) does; only unknown paths are 404.
        const allowed = ROUTES.filter((r) => matchTemplate(r.template, path)).map((r) => r.method);
        if (allowed.length > 0) return finish(405, undefined, { Allow: [...new Set(allowed)].join(', ') });
        return finish(404, errorBody(dialect, new SimHttpError(404, `No resource matches ${method} ${path}.`)));
      }
      if (auth.appScopes) {
        // A Forge app may only call operations its manifest scopes cover; Jira answers 401 otherwise.
        if (!scopesSatisfied(method, endpoint, auth.appScopes)) {
          return finish(401, { code: 401, message: 'Unauthorized; scope does not match' });
        }
      }
      if (auth.appScopes && method === 'POST' && endpoint === '/rest/api/3/user' && !options.allowForgeUserCreation) {
        // The operation's reference: "Note: This API does not support Forge apps."
        return finish(403, errorBody(dialect, new SimHttpError(403, 'This API does not support Forge apps.')));
      }
      if (
        path.startsWith('/rest/servicedeskapi/') &&
        operationMeta(method, endpoint)?.experimental &&
        req.headers['x-experimentalapi'] !== 'opt-in'
      ) {
        // Experimental JSM methods refuse callers that have not opted in (the platform API marks some
        // operations experimental too, but does not ask for the header).
        return finish(
          412,
          errorBody(
            dialect,
            new SimHttpError(
              412,
              "This is an experimental API. To use it, set the header 'X-ExperimentalApi: opt-in'.",
            ),
          ),
        );
      }
      const simReq: SimRequest = {
        method,
        path,
        query: url.searchParams,
        params: found.params,
        headers: req.headers,
        body: await readBody(req),
        principal: auth.principal,
        baseUrl,
        state,
        admitIssueWrite: (issue) => {
          const decision = rateLimiter.admitIssueWrite(issue);
          if (decision.limited) throw new SimHttpError(429, 'Rate limit exceeded.', {}, decision.headers);
        },
      };
      const out: SimResponse = await found.route.handler(simReq);
      const priceAs = found.route.reads ? 'GET' : method;
      const objects = isWrite(priceAs) ? 0 : (out.objects ?? 0);
      const points = pointsFor(priceAs, found.route.returns, objects, appId !== undefined);
      const poolHeaders = appId !== undefined ? rateLimiter.chargePool(appId, points) : {};
      if (faults.dropAfterApply(method, path, out.status)) {
        // Lost response: the write is applied (and metered with its real status), the answer never arrives.
        meter.record({
          method,
          path,
          endpoint,
          principal: label,
          status: out.status,
          points,
          objectType,
          objects,
          pool,
          at: started,
          lost: true,
        });
        if (out.userChanges?.length) emitUserChanges(out.userChanges);
        req.socket.destroy();
        return;
      }
      finish(out.status, out.body, { ...poolHeaders, ...(out.headers ?? {}) }, points, objects);
      // Listeners run after the answer is written (the emitter defers them).
      if (out.userChanges?.length) emitUserChanges(out.userChanges);
      return;
    } catch (err) {
      if (err instanceof SimHttpError) return finish(err.status, errorBody(dialect, err), err.headers);
      console.error('jira-sim: unexpected error', err);
      return finish(500, errorBody(dialect, new SimHttpError(500, 'Internal server error.')));
    }
  }

  const directory: SimDirectory = {
    createUser: (input) => {
      const login = input.email.split('@')[0] ?? input.email;
      const user: SimUser = {
        accountId: `712020:${newUuid(state)}`,
        accountType: 'atlassian',
        emailVisible: true,
        active: true,
        timeZone: 'Etc/UTC',
        locale: 'en_US',
        legacyUsername: login,
        legacyKey: `JIRAUSER${state.nextId}`,
        ...input,
      };
      state.users.set(user.accountId, user);
      emitUserChanges([{ kind: 'created', accountId: user.accountId }]);
      return user;
    },
    updateUser: (accountId, patch) => {
      const user = state.users.get(accountId);
      if (!user) throw new Error(`jira-sim: no user ${accountId}`);
      Object.assign(user, patch);
      emitUserChanges([{ kind: 'updated', accountId }]);
      return user;
    },
    deleteUser: (accountId) => {
      if (!state.users.delete(accountId)) throw new Error(`jira-sim: no user ${accountId}`);
      for (const g of state.groups.values()) g.members.delete(accountId);
      for (const d of state.serviceDesks.values()) d.customers.delete(accountId);
      emitUserChanges([{ kind: 'deleted', accountId }]);
    },
  };

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  siteUrl = `http://127.0.0.1:${port}`;
  return {
    url: siteUrl,
    state,
    meter,
    rateLimiter,
    pointsBank,
    faults,
    userEvents,
    onUserEvent: (listener) => userEvents.on(listener),
    directory,
    installApp: (app) => apps.set(app.installToken, app),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
