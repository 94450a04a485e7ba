/**
 * The authorization matrix: every resolver key of the invoke contract and every scheduled trigger and
 * queue consumer in manifest.yml, against the identities a call can come with, and what must happen.
 * Generated from the contract and the manifest, so keys and modules added later are covered without
 * editing this file. test/security/authorization-matrix.test.ts checks every cell against the local site;
 * `npm run security:matrix` prints the table (`-- --write` puts it into the README's security section).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESOLVER_KEYS } from '../src/contract';
import { authorizationMode } from '../src/resolver';
import { PROJECT_ROOT, readManifest } from './manifest';

export const IDENTITY_NAMES = [
  'site admin',
  'Jira admin only',
  'regular',
  'no access',
  'app account',
  'missing context',
  'garbled context',
] as const;
export type IdentityName = (typeof IDENTITY_NAMES)[number];

/**
 * - `allow (live)`: authorized after asking Jira now; a write.
 * - `allow (cached)`: authorized, possibly from an answer ≤ 60 s old; a read that writes nothing.
 * - `deny`: FORBIDDEN; nothing but the permission check reaches Jira, nothing is written anywhere.
 * - `runs as app`: a background function: runs, and every Jira request it makes is the app's own.
 * - `acts as job creator`: a consumer of a real job's event: runs, and every Jira request it makes is
 *   the job's creator's (offline impersonation), whoever the invocation's context names.
 * - `refused`: a background function without a valid installation context: runs nothing at all.
 */
export type Expectation =
  'allow (live)' | 'allow (cached)' | 'deny' | 'runs as app' | 'acts as job creator' | 'refused';

/**
 * Background functions that act as a person rather than as the app, by function key: the bulk-change
 * consumer works with the rights of the administrator who created the job (src/features/bulk-changes).
 */
const ACTS_AS_CREATOR: ReadonlySet<string> = new Set(['run-bulk-slice']);

export interface MatrixRow {
  kind: 'resolver' | 'scheduledTrigger' | 'consumer';
  /** Resolver key, or the module key. */
  key: string;
  /** For background modules: the `src/index.ts` export the manifest's function names. */
  exportName?: string;
  expect: Record<IdentityName, Expectation>;
}

const ADMINS: ReadonlySet<IdentityName> = new Set(['site admin', 'Jira admin only']);
/** Identities whose invocation carries a valid installation (a background function runs for them). */
const INSTALLED: ReadonlySet<IdentityName> = new Set([
  'site admin',
  'Jira admin only',
  'regular',
  'no access',
  'app account',
]);

function row(kind: MatrixRow['kind'], key: string, cell: (i: IdentityName) => Expectation, exportName?: string) {
  return {
    kind,
    key,
    exportName,
    expect: Object.fromEntries(IDENTITY_NAMES.map((i) => [i, cell(i)])) as Record<IdentityName, Expectation>,
  };
}

export function matrixRows(): MatrixRow[] {
  const manifest = readManifest();
  const exportOf = (functionKey: unknown) => {
    const fn = manifest.modules.function?.find((f) => f.key === functionKey);
    return String(fn?.handler ?? '').split('.')[1] ?? '';
  };
  const background = (i: IdentityName): Expectation => (INSTALLED.has(i) ? 'runs as app' : 'refused');
  return [
    ...RESOLVER_KEYS.map((key) =>
      row('resolver', key, (i) =>
        ADMINS.has(i) ? (authorizationMode(key) === 'live' ? 'allow (live)' : 'allow (cached)') : 'deny',
      ),
    ),
    ...(manifest.modules.scheduledTrigger ?? []).map((t) =>
      row('scheduledTrigger', String(t.key), background, exportOf(t.function)),
    ),
    ...(manifest.modules.consumer ?? []).map((c) =>
      row(
        'consumer',
        String(c.key),
        (i) =>
          ACTS_AS_CREATOR.has(String(c.function)) && background(i) === 'runs as app'
            ? 'acts as job creator'
            : background(i),
        exportOf(c.function),
      ),
    ),
  ];
}

export function matrixMarkdown(rows: MatrixRow[] = matrixRows()): string {
  const head = `| Resolver key / module | ${IDENTITY_NAMES.join(' | ')} |`;
  const rule = `|---|${IDENTITY_NAMES.map(() => '---').join('|')}|`;
  const label = (r: MatrixRow) =>
    r.kind === 'resolver' ? `\`${r.key}\`` : `${r.kind === 'consumer' ? 'consumer' : 'trigger'} \`${r.key}\``;
  return [
    head,
    rule,
    ...rows.map((r) => `| ${label(r)} | ${IDENTITY_NAMES.map((i) => r.expect[i]).join(' | ')} |`),
  ].join('\n');
}

const START = '<!-- security-matrix:start -->';
const END = '<!-- security-matrix:end -->';

/** Replaces the README's generated table (between the markers) with the current one, formatted as prettier would. */
export async function writeReadmeMatrix(file = join(PROJECT_ROOT, 'README.md')): Promise<boolean> {
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return false;
  const next = `${text.slice(0, a + START.length)}\n${matrixMarkdown()}\n${text.slice(b)}`;
  // Loaded only here: the tests import this module, and prettier cannot load inside jest's VM.
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(next, { ...config, filepath: file }));
  return true;
}

if (require.main === module) {
  if (process.argv.includes('--write')) {
    void writeReadmeMatrix().then((done) => {
      if (done) console.info('README.md: security matrix updated.');
      else {
        console.error(`README.md has no ${START} … ${END} section.`);
        process.exitCode = 1;
      }
    });
  } else console.info(matrixMarkdown());
}
