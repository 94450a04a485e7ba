/**
 * Deterministic seeded site: the same options always give the same users, groups, roles and desks.
 * Named accounts cover every permission level; the rest are generated with a seeded PRNG.
 */
import {
  type SimGroup,
  type SimServiceDesk,
  type SimUser,
  type SiteState,
  SITE_ADMIN_GROUP,
  uuidFromNumber,
} from './model';

export interface SeedOptions {
  /** Total accounts of every type (default 2,000). */
  users?: number;
  /** Total groups (default 60). */
  groups?: number;
  /** Service desks (default 3). */
  serviceDesks?: number;
  seed?: number;
  apiToken?: string;
  /** The site's cloud id (default a fixed one): give each site its own when hosting several at once. */
  cloudId?: string;
}

/** Accounts every seeded site has, by role, for tests and for "act as" in the browser host. */
export const NAMED_USERS = {
  siteAdmin: { accountId: '712020:00000000-0000-4000-a000-000000000001', email: 'ada.admin@example.com' },
  jiraAdmin: {
    accountId: '712020:00000000-0000-4000-a000-000000000002',
    email: 'jonas.jira-admin@example.com',
  },
  regular: { accountId: '712020:00000000-0000-4000-a000-000000000003', email: 'rita.regular@example.com' },
  noAccess: { accountId: '712020:00000000-0000-4000-a000-000000000004', email: 'nils.noaccess@example.com' },
  app: {
    accountId: '557058:00000000-0000-4000-a000-0000000000a0',
    email: 'jira-user-admin@connect.atlassian.com',
  },
} as const;

export const DEFAULT_API_TOKEN = 'local-dev-token';
/** The seeded site's SiteId: the first eight characters of its cloudId, upper case (as the app derives it). */
export const SITE_ID = 'A1B2C3D4';

const FIRST = [
  'Alex',
  'Bea',
  'Chen',
  'Dana',
  'Emil',
  'Farah',
  'Goran',
  'Hana',
  'Ivo',
  'Jia',
  'Kofi',
  'Lena',
  'Mateo',
  'Nadia',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tariq',
  'Uma',
  'Vera',
  'Wei',
  'Ximena',
  'Yusuf',
  'Zoe',
];
const LAST = [
  'Andersen',
  'Baker',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ito',
  'Jansen',
  'Kowalski',
  'Lopez',
  'Muller',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quist',
  'Rossi',
  'Silva',
  'Tanaka',
  'Urban',
  'Virtanen',
  'Weber',
  'Xu',
  'Yilmaz',
  'Zhang',
];
const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Europe/London',
  'America/Los_Angeles',
];
const LOCALES = ['en_US', 'de_DE', 'ja_JP', 'en_AU', 'en_GB', 'fr_FR'];
const TEAMS = [
  'platform',
  'payments',
  'mobile',
  'web',
  'data',
  'security',
  'support',
  'sales',
  'marketing',
  'finance',
  'legal',
  'hr',
  'design',
  'qa',
  'devops',
  'research',
];
const APPS = [
  'Automation for Jira',
  'Slack',
  'Microsoft Teams',
  'GitHub for Jira',
  'Jira Cloud for Sheets',
  'Tempo',
  'Zephyr',
  'Opsgenie',
];
const FUNC_NAMES = ['Backup', 'CiBot', 'Reporting', 'Sync', 'Importer'];

/** mulberry32: tiny, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)] as T;
}

export function seedSite(options: SeedOptions = {}): SiteState {
  const totalUsers = options.users ?? 2000;
  const totalGroups = Math.max(options.groups ?? 60, 8);
  const deskCount = options.serviceDesks ?? 3;
  const rand = prng(options.seed ?? 42);
  const state: SiteState = {
    cloudId: options.cloudId ?? 'a1b2c3d4-0000-4000-8000-00000000c10d',
    siteName: 'local-site',
    siteId: SITE_ID,
    users: new Map(),
    groups: new Map(),
    applicationRoles: [],
    globalPermissions: {
      ADMINISTER: ['jira-administrators', SITE_ADMIN_GROUP, 'atlassian-addons-admin'],
      SYSTEM_ADMIN: [SITE_ADMIN_GROUP],
      USER_PICKER: [
        'jira-software-users',
        'jira-servicemanagement-users',
        'jira-administrators',
        SITE_ADMIN_GROUP,
        'atlassian-addons-admin',
      ],
    },
    serviceDesks: new Map(),
    organizations: new Map(),
    siteAdminGroup: SITE_ADMIN_GROUP,
    appAccountId: NAMED_USERS.app.accountId,
    apiToken: options.apiToken ?? DEFAULT_API_TOKEN,
    defaultColumns: ['issuetype', 'issuekey', 'summary', 'assignee', 'reporter', 'priority', 'status', 'updated'],
    nextId: 1_000_000,
  };

  let serial = 100;
  const addUser = (u: Partial<SimUser> & Pick<SimUser, 'displayName' | 'email' | 'accountType'>): SimUser => {
    serial += 1;
    const prefix = u.accountType === 'app' ? '557058:' : u.accountType === 'customer' ? 'qm:' : '712020:';
    const login = u.email.split('@')[0] ?? `user${serial}`;
    const user: SimUser = {
      accountId: u.accountId ?? `${prefix}${uuidFromNumber(serial)}`,
      emailVisible: true,
      active: true,
      timeZone: pick(rand, ZONES),
      locale: pick(rand, LOCALES),
      legacyUsername: login,
      legacyKey: `JIRAUSER${10000 + serial}`,
      ...u,
    };
    state.users.set(user.accountId, user);
    return user;
  };
  const addGroup = (name: string): SimGroup => {
    const group: SimGroup = { groupId: uuidFromNumber(500 + state.groups.size), name, members: new Set() };
    state.groups.set(group.groupId, group);
    return group;
  };
  const byName = (name: string): SimGroup => {
    const g = [...state.groups.values()].find((x) => x.name === name);
    if (!g) throw new Error(`seed: no group ${name}`);
    return g;
  };

  // Product, admin and system groups first; then team groups up to the requested count.
  for (const name of [
    SITE_ADMIN_GROUP,
    'jira-administrators',
    'jira-software-users',
    'jira-servicemanagement-users',
    'jira-product-discovery-users',
    'atlassian-addons-admin',
    'jira-users-inactive',
    'functional-accounts',
  ]) {
    addGroup(name);
  }
  for (let i = 0; state.groups.size < totalGroups; i += 1) {
    const team = TEAMS[i % TEAMS.length] as string;
    const round = Math.floor(i / TEAMS.length);
    addGroup(round === 0 ? `team-${team}` : `${['proj', 'dept', 'guild', 'ops'][round % 4]}-${team}-${round}`);
  }
  state.applicationRoles = [
    {
      key: 'jira-software',
      name: 'Jira Software',
      groups: ['jira-software-users', 'jira-administrators'],
      defaultGroups: ['jira-software-users'],
      numberOfSeats: 5000,
    },
    {
      key: 'jira-servicedesk',
      name: 'Jira Service Management',
      groups: ['jira-servicemanagement-users'],
      defaultGroups: ['jira-servicemanagement-users'],
      numberOfSeats: 250,
    },
    {
      key: 'jira-product-discovery',
      name: 'Jira Product Discovery',
      groups: ['jira-product-discovery-users'],
      defaultGroups: ['jira-product-discovery-users'],
      numberOfSeats: 50,
    },
  ];

  // Named accounts, one per permission level.
  const ada = addUser({
    accountId: NAMED_USERS.siteAdmin.accountId,
    displayName: 'Ada Admin',
    email: NAMED_USERS.siteAdmin.email,
    accountType: 'atlassian',
  });
  const jonas = addUser({
    accountId: NAMED_USERS.jiraAdmin.accountId,
    displayName: 'Jonas Jira-Admin',
    email: NAMED_USERS.jiraAdmin.email,
    accountType: 'atlassian',
  });
  const rita = addUser({
    accountId: NAMED_USERS.regular.accountId,
    displayName: 'Rita Regular',
    email: NAMED_USERS.regular.email,
    accountType: 'atlassian',
  });
  addUser({
    accountId: NAMED_USERS.noAccess.accountId,
    displayName: 'Nils No-Access',
    email: NAMED_USERS.noAccess.email,
    accountType: 'atlassian',
  });
  const app = addUser({
    accountId: NAMED_USERS.app.accountId,
    displayName: 'Jira User Admin',
    email: NAMED_USERS.app.email,
    accountType: 'app',
    emailVisible: false,
  });
  for (const [g, members] of [
    [SITE_ADMIN_GROUP, [ada]],
    ['jira-administrators', [ada, jonas]],
    ['jira-software-users', [ada, jonas, rita]],
    ['jira-servicemanagement-users', [ada]],
    ['atlassian-addons-admin', [app]],
  ] as const) {
    for (const m of members) byName(g).members.add(m.accountId);
  }

  const teamGroups = [...state.groups.values()].filter((g) => /^(team|proj|dept|guild|ops)-/.test(g.name));
  const remaining = Math.max(totalUsers - state.users.size, 0);
  const appCount = Math.min(APPS.length, Math.floor(remaining * 0.01) + 2);
  const funcCount = Math.min(FUNC_NAMES.length, Math.floor(remaining / 200) + 1);
  const customerCount = Math.floor(remaining * 0.1);
  const humanCount = Math.max(remaining - appCount - funcCount - customerCount, 0);

  for (let i = 0; i < appCount; i += 1) {
    const name = APPS[i] as string;
    const u = addUser({
      displayName: name,
      email: `${name.toLowerCase().replace(/[^a-z]+/g, '-')}@connect.atlassian.com`,
      accountType: 'app',
      emailVisible: false,
    });
    byName('atlassian-addons-admin').members.add(u.accountId);
  }
  for (let i = 0; i < funcCount; i += 1) {
    const name = FUNC_NAMES[i] as string;
    const u = addUser({
      displayName: `${name}_Func_${SITE_ID}`,
      email: `${name.toLowerCase()}.func@example.com`,
      accountType: 'atlassian',
    });
    byName('functional-accounts').members.add(u.accountId);
    byName('jira-software-users').members.add(u.accountId);
  }
  for (let i = 0; i < humanCount; i += 1) {
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length] as string;
    const n = Math.floor(i / (FIRST.length * LAST.length));
    const suffix = n === 0 ? '' : ` ${n + 1}`;
    const login = `${first}.${last}${n === 0 ? '' : n + 1}`.toLowerCase();
    const active = rand() > 0.08;
    const u = addUser({
      displayName: `${first} ${last}${suffix}`,
      email: `${login}@example.com`,
      accountType: 'atlassian',
      active,
      emailVisible: rand() > 0.15,
    });
    if (rand() < 0.85) byName('jira-software-users').members.add(u.accountId);
    if (rand() < 0.12) byName('jira-servicemanagement-users').members.add(u.accountId);
    if (rand() < 0.05) byName('jira-product-discovery-users').members.add(u.accountId);
    if (!active && rand() < 0.5) byName('jira-users-inactive').members.add(u.accountId);
    if (rand() < 0.004) byName('jira-administrators').members.add(u.accountId);
    const teams = 1 + Math.floor(rand() * 3);
    for (let t = 0; t < teams && teamGroups.length > 0; t += 1) pick(rand, teamGroups).members.add(u.accountId);
  }
  const customers: SimUser[] = [];
  for (let i = 0; i < customerCount; i += 1) {
    const first = pick(rand, FIRST);
    const last = pick(rand, LAST);
    customers.push(
      addUser({
        displayName: `${first} ${last} (customer)`,
        email: `customer${i + 1}@clients.example.org`,
        accountType: 'customer',
        active: rand() > 0.03,
      }),
    );
  }

  const desks: Array<[string, string, 'open' | 'closed']> = [
    ['ITH', 'IT Help', 'closed'],
    ['HRS', 'HR Services', 'closed'],
    ['FAC', 'Facilities', 'open'],
    ['LEG', 'Legal Requests', 'closed'],
    ['SEC', 'Security Desk', 'closed'],
  ];
  for (let i = 0; i < deskCount; i += 1) {
    const [key, name, access] = desks[i % desks.length] as [string, string, 'open' | 'closed'];
    const desk: SimServiceDesk = {
      id: String(i + 1),
      projectId: String(10000 + i),
      projectKey: i < desks.length ? key : `${key}${i}`,
      projectName: name,
      access,
      customers: new Set(),
    };
    state.serviceDesks.set(desk.id, desk);
  }
  const deskList = [...state.serviceDesks.values()];
  for (const c of customers) {
    if (deskList.length > 0) pick(rand, deskList).customers.add(c.accountId);
    if (deskList.length > 1 && rand() < 0.2) pick(rand, deskList).customers.add(c.accountId);
  }
  // JSM organizations: every third customer belongs to one, in turn (no PRNG draws, so the rest of the
  // seed is unchanged).
  const orgNames = ['Acme Retail', 'Globex Partners', 'Initech Field Office', 'Umbrella Clinics'];
  orgNames.forEach((name, i) =>
    state.organizations.set(String(i + 1), {
      id: String(i + 1),
      name,
      created: Date.UTC(2025, i, 1),
      members: new Set(),
    }),
  );
  customers.forEach((c, i) => {
    if (i % 3 === 0) state.organizations.get(String(((i / 3) % orgNames.length) + 1))?.members.add(c.accountId);
  });
  return state;
}
