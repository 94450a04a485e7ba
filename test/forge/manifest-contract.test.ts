import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESOLVER_KEYS } from '../../src/contract';
import { readManifest, PROJECT_ROOT, scopeNames } from '../../local/manifest';

/**
 * The manifest and the code agree: every handler the manifest names is exported, every key the frontend
 * invokes has a resolver, every resolver is in the contract, and KVS use is declared.
 */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('manifest contract', () => {
  const manifest = readManifest();
  const sources = filesUnder(join(PROJECT_ROOT, 'src')).filter((f) => /\.tsx?$/.test(f));

  it('exports every function handler the manifest names, and nothing else from src/index.ts', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const index = require('../../src/index') as Record<string, unknown>;
    const handlers = (manifest.modules.function ?? []).map((f) => String(f.handler));
    for (const h of handlers) {
      const [file, name] = h.split('.');
      expect(file).toBe('index');
      expect(typeof index[name as string]).toBe('function');
    }
    expect(Object.keys(index).sort()).toEqual(handlers.map((h) => h.split('.')[1]).sort());
  });

  it('has a resolver for every key the frontend invokes, and every resolver is in the contract', () => {
    const frontend = sources.filter((f) => f.includes(join('src', 'frontend')) || f.includes(`${join('', 'ui', '')}`));
    const invoked = new Set<string>();
    for (const f of frontend) {
      for (const m of readFileSync(f, 'utf8').matchAll(/(?:useResolver|call)\(\s*'([A-Za-z]+)'/g))
        invoked.add(m[1] as string);
    }
    expect(invoked.size).toBeGreaterThan(0);
    for (const key of invoked) expect(RESOLVER_KEYS).toContain(key);
    const resolverSource = sources
      .filter((f) => f.endsWith(join('', 'resolvers.ts')))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const key of RESOLVER_KEYS) expect(resolverSource).toMatch(new RegExp(`\\b${key}:`));
  });

  it('declares storage:app when the code uses KVS', () => {
    const usesKvs = sources.some((f) => /from '@forge\/kvs'/.test(readFileSync(f, 'utf8')));
    expect(usesKvs ? scopeNames(manifest) : ['storage:app']).toContain('storage:app');
  });

  it('points every resource at a file or folder that exists', () => {
    for (const r of manifest.resources)
      expect(() => readdirSync(join(PROJECT_ROOT, r.path.replace(/\/[^/]+\.tsx?$/, '')))).not.toThrow();
  });
});
