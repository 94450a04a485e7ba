/**
 * The local site's Jira state on disk, beside the app's KVS file, so `npm start` after a restart shows the
 * same site the app's storage describes (accounts the app created, group changes, customers) instead of a
 * freshly seeded one. Plain JSON with Maps and Sets tagged; written atomically (temp file, then rename).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SiteState } from './jira-sim/model';

/** Bumped when SiteState's shape changes incompatibly: an older file is then not loaded. */
const FORMAT = 1;

interface StateFile {
  format: number;
  /** The seed the state grew from (SEED_USERS): a different seed asks for a fresh site. */
  seedUsers: number;
  savedAt: string;
  state: unknown;
}

function encode(_key: string, value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value.entries()] };
  if (value instanceof Set) return { $set: [...value.values()] };
  return value;
}

function decode(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as { $map?: [unknown, unknown][]; $set?: unknown[] };
    if (Array.isArray(v.$map)) return new Map(v.$map);
    if (Array.isArray(v.$set)) return new Set(v.$set);
  }
  return value;
}

export function saveSiteState(file: string, state: SiteState, seedUsers: number): void {
  const body: StateFile = { format: FORMAT, seedUsers, savedAt: new Date().toISOString(), state };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(body, encode));
  renameSync(tmp, file);
}

export type LoadedState =
  | { kind: 'loaded'; state: SiteState; savedAt: string }
  | { kind: 'missing' }
  | { kind: 'incompatible'; reason: string };

export function loadSiteState(file: string, seedUsers: number): LoadedState {
  if (!existsSync(file)) return { kind: 'missing' };
  let body: StateFile;
  try {
    body = JSON.parse(readFileSync(file, 'utf8'), decode) as StateFile;
  } catch {
    return { kind: 'incompatible', reason: 'the saved Jira state could not be read' };
  }
  if (body.format !== FORMAT) return { kind: 'incompatible', reason: 'the saved Jira state is from an older version' };
  if (body.seedUsers !== seedUsers)
    return { kind: 'incompatible', reason: `the saved site was seeded with ${body.seedUsers} users, not ${seedUsers}` };
  return { kind: 'loaded', state: body.state as SiteState, savedAt: body.savedAt };
}
