/**
 * Reads `manifest.yml`: the app's scopes, functions, modules and resources, for the simulator (which
 * scopes the installed app holds), the hosts and the contract tests. Scopes may be declared as a list or
 * as a map (`scope: { allowImpersonation: true }`), the form Forge's offline user impersonation needs
 * (@forge/manifest 13.7's schema accepts both; @forge/lint reads both).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export type ManifestScopes = string[] | Record<string, { allowImpersonation?: boolean } | null>;

export interface AppManifest {
  modules: Record<string, Array<Record<string, unknown>>>;
  resources: Array<{ key: string; path: string }>;
  permissions: { scopes: ManifestScopes };
  app: { id: string };
}

export const PROJECT_ROOT = join(__dirname, '..');

export function readManifest(file = join(PROJECT_ROOT, 'manifest.yml')): AppManifest {
  return parse(readFileSync(file, 'utf8')) as AppManifest;
}

/** Every scope the manifest declares, whichever form it uses. */
export function scopeNames(manifest: AppManifest): string[] {
  const scopes = manifest.permissions.scopes;
  return Array.isArray(scopes) ? [...scopes] : Object.keys(scopes ?? {});
}

/** The scopes an impersonated (offline) user request may use: those declared with `allowImpersonation: true`. */
export function impersonationScopes(manifest: AppManifest): string[] {
  const scopes = manifest.permissions.scopes;
  if (Array.isArray(scopes)) return [];
  return Object.entries(scopes ?? {})
    .filter(([, v]) => v?.allowImpersonation === true)
    .map(([k]) => k);
}
