/**
 * Reads `manifest.yml`: the app's scopes, functions, modules and resources, for the simulator (which
 * scopes the installed app holds), the hosts and the contract tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface AppManifest {
  modules: Record<string, Array<Record<string, unknown>>>;
  resources: Array<{ key: string; path: string }>;
  permissions: { scopes: string[] };
  app: { id: string };
}

export const PROJECT_ROOT = join(__dirname, '..');

export function readManifest(file = join(PROJECT_ROOT, 'manifest.yml')): AppManifest {
  return parse(readFileSync(file, 'utf8')) as AppManifest;
}
