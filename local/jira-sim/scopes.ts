/**
 * The OAuth scopes each operation requires, read from the official OpenAPI specs
 * (`x-atlassian-oauth2-scopes`), and whether an operation is experimental (`x-experimental`). A Forge
 * app's request succeeds only if its manifest scopes satisfy one alternative (classic or granular).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface OperationMeta {
  alternatives: string[][];
  experimental: boolean;
}

type SpecOperation = {
  'x-atlassian-oauth2-scopes'?: Array<{ scopes: string[] }>;
  'x-experimental'?: boolean;
};

const SPEC_DIR = join(__dirname, '..', 'specs');
let table: Map<string, OperationMeta> | undefined;

function load(): Map<string, OperationMeta> {
  const out = new Map<string, OperationMeta>();
  for (const file of ['jira-platform-v3.json', 'jira-servicedesk.json']) {
    const spec = JSON.parse(readFileSync(join(SPEC_DIR, file), 'utf8')) as {
      paths: Record<string, Record<string, SpecOperation>>;
    };
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (typeof op !== 'object' || op === null || !('responses' in op)) continue;
        const alternatives = (op['x-atlassian-oauth2-scopes'] ?? []).map((a) => a.scopes);
        out.set(`${method.toUpperCase()} ${path}`, {
          alternatives,
          experimental: op['x-experimental'] === true,
        });
      }
    }
  }
  return out;
}

export function operationMeta(method: string, template: string): OperationMeta | undefined {
  table ??= load();
  return table.get(`${method} ${template}`);
}

/** True when `granted` satisfies one alternative set of the operation (or it needs none). */
export function scopesSatisfied(method: string, template: string, granted: ReadonlySet<string>): boolean {
  const meta = operationMeta(method, template);
  if (!meta || meta.alternatives.length === 0) return false;
  return meta.alternatives.some((alt) => alt.every((s) => granted.has(s)));
}
