/**
 * bench:fleet's model of a fleet (what is SIMULATED): the sites (sizes, time zones, editions, install time
 * of day), their administrators' sessions, daily triggers, bulk jobs and health checks, and what each
 * costs in Jira points under Atlassian's published model (1 a request, +2 per user or group returned,
 * writes 1; DESIGN.md §2). Work is a list of requests with their points; nothing talks to a simulator.
 * The crawl's request sizes come from the app's own crawl (USERS_PAGE; member pages of 50; hidden emails
 * 100 a request), so the model follows the code. Seeded: the same seed gives the same fleet and day.
 */
import { pointsFor, type ObjectType } from '../local/jira-sim/points';
import type { Edition as SimEdition } from '../local/jira-sim/quota';
import { USERS_PAGE } from '../src/features/directory-index/directory-index';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Edition = Exclude<SimEdition, 'free'>;

export interface Site {
  id: number;
  users: number;
  /** Hours from UTC of the site's working day. */
  utcOffset: number;
  edition: Edition;
  /** Time of day (ms after midnight UTC) the app was installed: its daily triggers fire then. */
  triggerAt: number;
  /** Installed during the simulated day (needs an initial build), at this time; else installed earlier. */
  installedAt?: number;
  /** Weekday (0..6) of its weekly reconciliation at Tier 1. */
  reconcileDay: number;
  admins: number;
}

/** Points of one answered request: the simulator's published model (users 2 each, other objects 1, writes 1). */
export function points(method: 'GET' | 'WRITE', objects = 0, perObject = 2): number {
  const type: ObjectType = perObject === 2 ? 'user' : 'other';
  return method === 'WRITE' ? pointsFor('POST', 'none', 0) : pointsFor('GET', type, objects);
}

/** A unit of work: the points of each request, in order. */
export type Work = number[];

/**
 * The crawl (initial build or reconciliation) as the app does it: `users/search` pages of USERS_PAGE
 * (2 per user), the hidden emails 100 a request (1 per email), application roles, and the members of the
 * product-granting groups in pages of 50 (2 per member); `memberships` product memberships per user.
 */
export function crawlWork(users: number, hiddenEmailShare = 0.3, memberships = 1): Work {
  const out: Work = [];
  for (let o = 0; o < users; o += USERS_PAGE) {
    const n = Math.min(USERS_PAGE, users - o);
    out.push(points('GET', n));
    const hidden = Math.round(n * hiddenEmailShare);
    for (let h = 0; h < hidden; h += 100) out.push(points('GET', Math.min(100, hidden - h), 1));
  }
  out.push(points('GET', 4));
  const members = Math.round(users * memberships);
  for (let o = 0; o < members; o += 50) out.push(points('GET', Math.min(50, members - o)));
  out.push(points('GET', 1), points('GET', 3, 1));
  return out;
}

/** The daily health check of the functional-account registry: user/bulk pages, admin groups, their members. */
export function healthWork(users: number): Work {
  const accounts = Math.min(2000, Math.max(2, Math.round(users / 500)));
  const out: Work = [];
  for (let i = 0; i < accounts * 2; i += 100) out.push(points('GET', Math.min(100, accounts * 2 - i)));
  out.push(points('GET', 3));
  const admins = Math.min(200, 2 + Math.round(users / 2000));
  for (let i = 0; i < admins; i += 50) out.push(points('GET', Math.min(50, admins - i)));
  return out;
}

/** A bulk membership job: the rights check, the group's members read first, one write per item. */
export function bulkWork(items: number, groupSize: number): Work {
  const out: Work = [points('GET', 2)];
  const pages = Math.ceil(groupSize / 50);
  if (pages <= items / 5) for (let i = 0; i < pages; i += 1) out.push(points('GET', 50));
  for (let i = 0; i < items; i += 1) out.push(points('WRITE'));
  return out;
}

/**
 * What one administrator action costs (the requests of the page as bench:scale measures them, users and
 * groups at 2 points): with the permission check (`mypermissions`, 1 + 2) on one in four calls (it is
 * cached 60 s). Weights: how often administrators do each.
 */
export const ACTIONS: Array<{ name: string; weight: number; work: Work }> = [
  { name: 'open the page', weight: 3, work: [3, 1, 101, 21] },
  { name: 'filter by product', weight: 3, work: [1, 101] },
  { name: 'search by name', weight: 4, work: [101, 13] },
  { name: 'user panel', weight: 4, work: [3, 3] },
  { name: 'group member page', weight: 3, work: [21, 101] },
  { name: 'customers page', weight: 1, work: [11, 201] },
  { name: 'add or remove a member', weight: 3, work: [3, 1, 3] },
  { name: 'resolve 200 pasted emails', weight: 0.3, work: [201, 201, 201, 201] },
  { name: 'bulk preview', weight: 0.5, work: [21, 101, 101, 101] },
];

export function pickAction(random: () => number): Work {
  const total = ACTIONS.reduce((s, a) => s + a.weight, 0);
  let x = random() * total;
  for (const a of ACTIONS) {
    x -= a.weight;
    if (x <= 0) return a.work;
  }
  return (ACTIONS[0] as (typeof ACTIONS)[number]).work;
}

const OFFSETS = [-8, -7, -5, -5, -4, -3, 0, 0, 1, 1, 1, 2, 3, 5.5, 8, 9, 10];

/**
 * The fleet: `n` sites, three (at least) of 100,000 users, the rest spread log-uniformly from 50 to
 * 100,000; installed at times spread over the day (their daily triggers fire then); `newInstalls` of them
 * (one of 100,000 among them) installed during the simulated day, the others earlier (index built).
 */
export function makeFleet(n: number, seed: number, newInstalls: number): Site[] {
  const random = rng(seed);
  const sites: Site[] = [];
  for (let id = 0; id < n; id += 1) {
    const users = id < 3 ? 100_000 : Math.round(50 * Math.pow(2000, random()));
    const edition: Edition =
      users < 800 ? 'standard' : random() < 0.6 ? 'standard' : random() < 0.7 ? 'premium' : 'enterprise';
    sites.push({
      id,
      users,
      utcOffset: OFFSETS[Math.floor(random() * OFFSETS.length)] as number,
      edition,
      triggerAt: Math.floor(random() * DAY),
      reconcileDay: Math.floor(random() * 7),
      admins: 1 + Math.floor(users / 10_000),
    });
  }
  // New installs today: site 2 (100k) and the next ones, at a random time of day.
  for (let k = 0; k < newInstalls; k += 1) {
    const site = sites[2 + k * Math.max(1, Math.floor((n - 3) / newInstalls))] ?? sites[2 + k];
    if (site) {
      site.installedAt = Math.floor(random() * DAY);
      site.triggerAt = site.installedAt % DAY;
    }
  }
  return sites;
}

/** Start times (ms from the day's start) of one administrator's sessions on one day, in local working hours. */
export function sessions(site: Site, day: number, random: () => number, perDay: number): number[] {
  const out: number[] = [];
  if (day % 7 >= 5) return out; // the simulation starts on a Monday: no sessions at the weekend
  // perDay on average, 0..2 × perDay.
  const count = Math.round(random() * 2 * perDay);
  for (let k = 0; k < count; k += 1) {
    const localHour = 9 + random() * 8;
    const utc = (localHour - site.utcOffset) * HOUR;
    out.push(day * DAY + (((utc % DAY) + DAY) % DAY));
  }
  return out;
}
