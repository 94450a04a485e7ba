/**
 * The source tree's layout rules (README › Architecture): every feature in one folder, shared layers that
 * know nothing of features, UI that never reaches backend code, imports that only go down (no cycle between
 * features), and no folder of src/ holding more than 12 source files directly.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const ROOT = join(__dirname, '../..');
const SRC = join(ROOT, 'src');
const SHARED = ['contract', 'jira', 'store', 'invocation'];
const TOP = ['index.ts', 'resolver.ts', 'background'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Each file's relative imports, resolved to repo paths under src/ (`src/jira/users.ts`). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1] as string);
  return specs.map((spec) => {
    const base = normalize(join(dirname(file), spec));
    for (const candidate of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
      try {
        if (statSync(candidate).isFile()) return relative(ROOT, candidate);
      } catch {
        // not this one
      }
    }
    throw new Error(`${relative(ROOT, file)} imports ${spec}, which does not exist`);
  });
}

const files = sourceFiles(SRC).map((f) => relative(ROOT, f));
const edges = files.flatMap((from) => importsOf(join(ROOT, from)).map((to) => ({ from, to })));

/** `src/<part>/…` → part; `src/features/<f>/…` → `features/<f>`, `features/<f>/ui` for its UI. */
function areaOf(path: string): string {
  const parts = path.split('/');
  if (parts[1] === 'features') return parts[3] === 'ui' ? `features/${parts[2]}/ui` : `features/${parts[2]}`;
  return parts[1] ?? '';
}

describe('src layout', () => {
  it('keeps at most 12 source files directly in any folder', () => {
    const counts = new Map<string, number>();
    for (const f of files) counts.set(dirname(f), (counts.get(dirname(f)) ?? 0) + 1);
    const crowded = [...counts].filter(([, n]) => n > 12);
    expect(crowded).toEqual([]);
  });

  it('has one folder per feature, each with its resolver definitions', () => {
    const features = readdirSync(join(SRC, 'features')).sort();
    expect(features).toEqual([
      'audit',
      'bulk-changes',
      'customers',
      'directory-index',
      'functional-accounts',
      'groups',
      'people',
    ]);
    for (const f of features) expect(files).toContain(`src/features/${f}/resolvers.ts`);
  });

  it('keeps the shared layers free of features, the UI and the entry points', () => {
    const upward = edges.filter((e) => SHARED.includes(areaOf(e.from)) && !SHARED.includes(areaOf(e.to)));
    expect(upward).toEqual([]);
    // The contract is the bottom: both sides use it, it uses nothing of theirs.
    expect(edges.filter((e) => areaOf(e.from) === 'contract' && areaOf(e.to) !== 'contract')).toEqual([]);
  });

  it('lets nothing import the entry points but the table of contents', () => {
    const intoTop = edges.filter(
      (e) => TOP.includes(e.to.split('/')[1] ?? '') && e.from !== 'src/index.ts' && areaOf(e.from) !== 'background',
    );
    expect(intoTop).toEqual([]);
  });

  it('keeps UI code (the page and every feature ui/) apart from backend code', () => {
    const isUi = (p: string) => areaOf(p) === 'frontend' || areaOf(p).endsWith('/ui');
    const uiToBackend = edges.filter((e) => isUi(e.from) && !isUi(e.to) && areaOf(e.to) !== 'contract');
    expect(uiToBackend).toEqual([]);
    const backendToUi = edges.filter((e) => !isUi(e.from) && isUi(e.to));
    expect(backendToUi).toEqual([]);
  });

  it('lets feature imports only go down: no cycle between features, on either side', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of edges) {
      const [a, b] = [areaOf(e.from), areaOf(e.to)];
      if (a.startsWith('features/') && b.startsWith('features/') && a !== b) {
        graph.set(a, (graph.get(a) ?? new Set()).add(b));
      }
    }
    // Depth-first search for a back edge.
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'open') {
        cycles.push([...path.slice(path.indexOf(node)), node].join(' → '));
        return;
      }
      state.set(node, 'open');
      for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });
});
