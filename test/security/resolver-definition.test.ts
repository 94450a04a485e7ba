import type { Envelope } from '../../src/contract';
import { JiraApiError, JiraOutcomeUnknownError, JiraWaitRequired } from '../../src/jira/errors';
import { defineResolver, installationOf, toEnvelopeError, type ResolverRequest } from '../../src/invocation/define';
import { AppFailure } from '../../src/invocation/app-error';
import { KvsRateLimited } from '../../src/store/kvs-retry';
import { createAuthorizer, type AuthorizationMode, type Caller } from '../../src/invocation/authorization';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, startTestSite } from '../support/site';
import { IDENTITIES, invokeAsIdentity, kvsDiff, kvsSnapshot, type Identity } from '../support/security';

/**
 * How every resolver is built (define.ts): who is refused before anything runs when the invocation
 * context is incomplete or garbled, which installation a caller is asked about, which Jira answer
 * becomes which envelope error and message, and what reaches the logs when something unexpected fails.
 */

const SIGN_IN = { code: 'FORBIDDEN', message: 'Sign in as a Jira administrator to use this app.' };
const NOT_INSTALLED = {
  code: 'FORBIDDEN',
  message: 'This request did not come from a Jira site where User Admin is installed.',
};
const NOT_ADMIN = { code: 'FORBIDDEN', message: 'Only Jira administrators can use User Admin.' };
const INTERNAL = {
  code: 'INTERNAL',
  message: 'Something went wrong in User Admin. Try again; if it persists, check the app logs.',
};
const RATE_LIMITED = { code: 'RATE_LIMITED', message: 'Jira is rate limiting requests; try again in a minute.' };
const ACCOUNT = '712020:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const CLOUD_ID = '3f2c1b0a-9e8d-4c7b-a6f5-e4d3c2b1a098';
const INSTALL = `ari:cloud:jira::site/${CLOUD_ID}`;

const failed = (error: { code: string; message: string }) => ({ ok: false, error });
const jiraError = (status: number, body: unknown = { errorMessages: ['Jira says no.'] }) =>
  new JiraApiError(status, body, undefined, 'Reading the group');

describe('a Jira answer becomes an envelope error', () => {
  it.each([
    [401, 'FORBIDDEN'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [400, 'INVALID_INPUT'],
  ])('%i becomes %s, with the operation and Jira’s own words', (status, code) => {
    expect(toEnvelopeError(jiraError(status))).toEqual(failed({ code, message: 'Reading the group: Jira says no.' }));
  });

  it.each([[402], [405], [408], [410], [422], [500], [502], [503], [504]])(
    '%i becomes JIRA_ERROR, with the operation and Jira’s own words',
    (status) => {
      expect(toEnvelopeError(jiraError(status))).toEqual(
        failed({ code: 'JIRA_ERROR', message: 'Reading the group: Jira says no.' }),
      );
    },
  );

  it('names the status when Jira gave no words', () => {
    expect(toEnvelopeError(jiraError(404, {}))).toEqual(
      failed({ code: 'NOT_FOUND', message: 'Reading the group: Jira answered 404.' }),
    );
    expect(toEnvelopeError(jiraError(503, ''))).toEqual(
      failed({ code: 'JIRA_ERROR', message: 'Reading the group: Jira answered 503.' }),
    );
  });

  it('joins both error dialects’ messages', () => {
    const body = { errorMessages: ['First.'], errors: { name: 'Second.' } };
    expect(toEnvelopeError(jiraError(400, body))).toEqual(
      failed({ code: 'INVALID_INPUT', message: 'Reading the group: First. Second.' }),
    );
  });

  it('429, from Jira or because the app must wait longer than it may, asks to try again later', () => {
    expect(toEnvelopeError(jiraError(429))).toEqual(failed(RATE_LIMITED));
    expect(toEnvelopeError(new JiraWaitRequired('Adding the user', 90_000, 'retry-after'))).toEqual(
      failed(RATE_LIMITED),
    );
  });

  it('Forge storage refusing past its retries (KvsRateLimited) asks to try again later, naming the app’s storage', () => {
    expect(toEnvelopeError(new KvsRateLimited('set audit entry'))).toEqual(
      failed({
        code: 'RATE_LIMITED',
        message: "The app's storage is busy for this site right now; try again in a minute.",
      }),
    );
  });

  it('a lost answer says the change may have happened', () => {
    expect(toEnvelopeError(new JiraOutcomeUnknownError('Adding the user', new Error('socket hang up')))).toEqual(
      failed({
        code: 'JIRA_ERROR',
        message: "Adding the user: Jira's answer was lost. Check whether the change happened before trying again.",
      }),
    );
  });

  it('a failure the app reports on purpose keeps its code and message', () => {
    expect(toEnvelopeError(new AppFailure('CONFIRMATION_REQUIRED', 'Confirm to go ahead.'))).toEqual(
      failed({ code: 'CONFIRMATION_REQUIRED', message: 'Confirm to go ahead.' }),
    );
    expect(toEnvelopeError(new AppFailure('SITE_ADMIN_REQUIRED', 'Ask a site admin.'))).toEqual(
      failed({ code: 'SITE_ADMIN_REQUIRED', message: 'Ask a site admin.' }),
    );
  });

  describe('anything else is INTERNAL, and the log names only the kind of failure', () => {
    let logged: string[];
    let spy: jest.SpyInstance;
    beforeEach(() => {
      logged = [];
      spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      });
    });
    afterEach(() => spy.mockRestore());

    it.each([
      ['an Error by its name', new TypeError('secret someone@example.com'), 'resolver failed: TypeError'],
      ['an object by its name', { name: 'Custom', detail: 'secret' }, 'resolver failed: Custom'],
      ['an object without a name by its type', { detail: 'secret' }, 'resolver failed: object'],
      ['text by its type', 'secret someone@example.com', 'resolver failed: string'],
      ['null by its type', null, 'resolver failed: object'],
      ['undefined by its type', undefined, 'resolver failed: undefined'],
    ])('%s', (_label, thrown, line) => {
      expect(toEnvelopeError(thrown)).toEqual(failed(INTERNAL));
      expect(logged).toEqual([line]);
    });
  });
});

describe('the installation a call comes from', () => {
  it('is Forge’s installContext when present', () => {
    expect(installationOf({ installContext: INSTALL, cloudId: 'other' })).toBe(INSTALL);
    expect(installationOf({ installContext: INSTALL })).toBe(INSTALL);
  });

  it.each([[''], [17], [['x']], [undefined], [null]])(
    'falls back to the site’s cloudId when installContext is %j',
    (ic) => {
      expect(installationOf({ installContext: ic, cloudId: CLOUD_ID })).toBe(`cloud:${CLOUD_ID}`);
    },
  );

  it.each([[''], [42], [{ id: CLOUD_ID }], [undefined]])('is unknown with neither (cloudId %j)', (cloudId) => {
    expect(installationOf({ installContext: '', cloudId })).toBeUndefined();
    expect(installationOf({ cloudId })).toBeUndefined();
  });
});

describe('defineResolver', () => {
  type Call = { caller: Caller; mode: AuthorizationMode };
  let asked: Call[];
  let ran: ResolverRequest<'listRoles'>[];
  let admin: boolean;
  /** The real authorizer; Jira's answer stubbed (it says whether the caller holds ADMINISTER). */
  const authorizer = () =>
    createAuthorizer({
      hasAdminister: async (caller) => {
        asked.push({ caller, mode: 'live' });
        return admin;
      },
    });
  const resolver = (mode: AuthorizationMode = 'live', result: unknown = ['role']) => {
    const authorize = authorizer();
    return defineResolver<'listRoles'>(
      async (caller, m) => {
        expect(m).toBe(mode);
        await authorize(caller, m);
      },
      async (req) => {
        ran.push(req);
        return result as never;
      },
      mode,
    );
  };
  const context = { accountId: ACCOUNT, cloudId: CLOUD_ID, installContext: INSTALL };
  beforeEach(() => {
    asked = [];
    ran = [];
    admin = true;
  });

  it('authorizes, then runs the service with the payload, the caller and the site’s short id', async () => {
    const payload = { name: 'x' };
    expect(await resolver()({ payload, context })).toEqual({ ok: true, data: ['role'] });
    expect(asked).toEqual([{ caller: { accountId: ACCOUNT, installation: INSTALL }, mode: 'live' }]);
    expect(ran).toEqual([{ payload, accountId: ACCOUNT, siteId: '3F2C1B0A' }]);
    expect(ran[0]?.payload).toBe(payload);
  });

  it('asks about the site’s cloudId when Forge gave no installContext', async () => {
    expect(await resolver()({ payload: {}, context: { accountId: ACCOUNT, cloudId: CLOUD_ID } })).toMatchObject({
      ok: true,
    });
    expect(asked.map((a) => a.caller)).toEqual([{ accountId: ACCOUNT, installation: `cloud:${CLOUD_ID}` }]);
  });

  it('gives the service an empty payload when the call carries none', async () => {
    await resolver()({ payload: undefined, context });
    await resolver()({ payload: null, context });
    expect(ran.map((r) => r.payload)).toEqual([{}, {}]);
  });

  it('names the site UNKNOWN when the cloudId is missing or not text', async () => {
    await resolver()({ payload: {}, context: { accountId: ACCOUNT, installContext: INSTALL } });
    await resolver()({ payload: {}, context: { accountId: ACCOUNT, installContext: INSTALL, cloudId: 42 } });
    expect(ran.map((r) => r.siteId)).toEqual(['UNKNOWN', 'UNKNOWN']);
  });

  it('refuses a non-administrator and runs nothing', async () => {
    admin = false;
    expect(await resolver()({ payload: {}, context })).toEqual(failed(NOT_ADMIN));
    expect(ran).toEqual([]);
  });

  it.each([
    ['no context', undefined, SIGN_IN],
    ['a null context', null, SIGN_IN],
    ['a context that is not an object', 'accountId', SIGN_IN],
    ['an empty context', {}, SIGN_IN],
    ['no account', { cloudId: CLOUD_ID, installContext: INSTALL }, SIGN_IN],
    ['an empty account', { accountId: '', installContext: INSTALL }, SIGN_IN],
    ['an account that is not text', { accountId: { $ne: null }, installContext: INSTALL }, SIGN_IN],
    ['an account but no installation or site', { accountId: ACCOUNT }, NOT_INSTALLED],
    [
      'an account with empty installation and site',
      { accountId: ACCOUNT, installContext: '', cloudId: '' },
      NOT_INSTALLED,
    ],
    [
      'an account with a garbled installation and site',
      { accountId: ACCOUNT, installContext: 17, cloudId: 42 },
      NOT_INSTALLED,
    ],
    ['an account ID that is not one', { accountId: `${ACCOUNT}\nother`, installContext: INSTALL }, NOT_INSTALLED],
  ])('refuses %s before Jira is asked or the service runs', async (_label, ctx, error) => {
    const res = await resolver()({ payload: {}, context: ctx as never });
    expect(res).toEqual(failed(error));
    expect(asked).toEqual([]);
    expect(ran).toEqual([]);
  });

  it('reads only an object as the context: a function carrying an account and site is not trusted', async () => {
    const fn = Object.assign(() => undefined, context);
    expect(await resolver()({ payload: {}, context: fn as never })).toEqual(failed(SIGN_IN));
    expect(ran).toEqual([]);
  });

  it('passes the key’s authorization mode, and turns a service failure into its envelope error', async () => {
    const failing = defineResolver<'listRoles'>(
      createAuthorizer({ hasAdminister: async () => true }),
      async () => {
        throw jiraError(409, { errorMessages: ['Already there.'] });
      },
      'cached',
    );
    expect(await failing({ payload: {}, context })).toEqual(
      failed({ code: 'CONFLICT', message: 'Reading the group: Already there.' }),
    );
    await resolver('cached')({ payload: {}, context });
    expect(ran).toHaveLength(1);
  });
});

describe('through the app’s resolver function (real @forge/resolver, @forge/api and the local site)', () => {
  let site: LocalSite;
  const SITE_ADMIN = IDENTITIES.find((i) => i.name === 'site admin') as Identity;
  const MISSING = IDENTITIES.find((i) => i.name === 'missing context') as Identity;
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 60, groups: 6, serviceDesks: 1 } });
  });
  afterAll(() => site.close());

  async function call(
    identity: Identity,
    key: string,
    payload: unknown,
    overrides: { context?: Record<string, unknown>; runtime?: Record<string, unknown> } = {},
  ) {
    site.sim.meter.reset();
    const before = kvsSnapshot(site);
    const res = await invokeAsIdentity<Envelope<unknown>>(site, identity, key, payload, overrides);
    return { res, requests: site.sim.meter.requests.map((r) => r.endpoint), kvs: kvsDiff(before, kvsSnapshot(site)) };
  }

  it('lets a site admin in through the site’s cloudId when Forge sends no installContext', async () => {
    const { res } = await call(SITE_ADMIN, 'listRoles', {}, { runtime: { installContext: undefined } });
    expect(res).toMatchObject({ ok: true });
  });

  it.each([
    ['no principal, on this site', { runtime: { principal: undefined } }, SIGN_IN],
    ['a principal without an account', { runtime: { principal: {} } }, SIGN_IN],
    [
      'a principal but neither installContext nor cloudId',
      { runtime: { installContext: undefined }, context: { cloudId: undefined } },
      NOT_INSTALLED,
    ],
    [
      'a principal, an empty installContext and a numeric cloudId',
      { runtime: { installContext: '' }, context: { cloudId: 42 } },
      NOT_INSTALLED,
    ],
  ])('refuses a call with %s: nothing asked, nothing written', async (_label, overrides, error) => {
    const { res, requests, kvs } = await call(SITE_ADMIN, 'saveRole', { name: 'Bots', groupIds: [] }, overrides);
    expect(res).toEqual(failed(error));
    expect(requests).toEqual([]);
    expect(kvs).toEqual([]);
  });

  it('refuses a call with no context at all', async () => {
    const { res, requests } = await call(MISSING, 'listRoles', {});
    expect(res).toEqual(failed(SIGN_IN));
    expect(requests).toEqual([]);
  });

  it('refuses a regular user after asking Jira only for their permissions', async () => {
    const regular = IDENTITIES.find((i) => i.name === 'regular') as Identity;
    const { res, requests } = await call(regular, 'listRoles', {});
    expect(res).toEqual(failed(NOT_ADMIN));
    expect(requests).toEqual(['/rest/api/3/mypermissions']);
  });

  it('answers Jira’s 404 for a missing account as NOT_FOUND with Jira’s words', async () => {
    const { res } = await call(SITE_ADMIN, 'getUserDetails', { accountId: '712020:does-not-exist' });
    expect(res).toEqual(
      failed({
        code: 'NOT_FOUND',
        message: 'Get user: Specified user does not exist or you do not have required permissions',
      }),
    );
  });

  it('answers a Jira that keeps asking to wait as RATE_LIMITED', async () => {
    site.sim.faults.configure({ tooManyRequestsRate: 1, retryAfterSeconds: 120, paths: ['/rest/api/3/user'] });
    try {
      const { res } = await call(SITE_ADMIN, 'getUserDetails', { accountId: NAMED_USERS.regular.accountId });
      expect(res).toEqual(failed(RATE_LIMITED));
    } finally {
      site.sim.faults.configure({});
    }
  });
});
