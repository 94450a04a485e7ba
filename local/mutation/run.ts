/**
 * `npm run mutation`: runs StrykerJS over the security layer (stryker.config.mjs, incremental), then prints
 * each module's mutation score, lists every mutant no test noticed, writes the scores into the README
 * (between the mutation-scores markers) and exits non-zero when a module scores under 90 % or has a mutant
 * no test runs. Arguments after `--` go to Stryker (`npm run mutation -- --force` re-tests every mutant).
 * `npm run mutation -- --report-only` reads the last report without running Stryker.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ROOT, targets } = require('./targets.cjs') as {
  ROOT: string;
  targets: () => ReadonlyArray<{ label: string; name: string; mutate: string[] }>;
};

const THRESHOLD = 90;
const REPORT = join(ROOT, 'reports/mutation/mutation.json');
const README = join(ROOT, 'README.md');
const START = '<!-- mutation-scores:start -->';
const END = '<!-- mutation-scores:end -->';

interface Mutant {
  file?: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

export interface ModuleScore {
  label: string;
  file: string;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Mutants that do not count: compile or runtime errors, ignored. */
  other: number;
  /** Detected / (detected + survived + no coverage), in percent; NaN when no mutant counts. */
  score: number;
  missed: Mutant[];
}

/** Each target's counts from a Stryker JSON report (mutation-testing-report-schema). */
export function scores(report: Report): ModuleScore[] {
  return targets().map(({ label, name, mutate }) => {
    // Only the targets' ranges are mutated, so every mutant of a target's files is the target's.
    const files = [...new Set(mutate.map((pattern) => pattern.split(':')[0] as string))];
    const mutants = files.flatMap((file) => (report.files[file]?.mutants ?? []).map((m) => ({ ...m, file })));
    const count = (status: string) => mutants.filter((m) => m.status === status).length;
    const killed = count('Killed');
    const timeout = count('Timeout');
    const survived = count('Survived');
    const noCoverage = count('NoCoverage');
    const valid = killed + timeout + survived + noCoverage;
    return {
      label,
      file: name,
      killed,
      timeout,
      survived,
      noCoverage,
      other: mutants.length - valid,
      score: valid === 0 ? Number.NaN : ((killed + timeout) / valid) * 100,
      missed: mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage'),
    };
  });
}

const pct = (n: number) => (Number.isNaN(n) ? 'n/a' : `${(Math.floor(n * 100) / 100).toFixed(2)} %`);
const failing = (s: ModuleScore) => !(s.score >= THRESHOLD) || s.noCoverage > 0;

function table(rows: ModuleScore[]): string {
  const lines = [
    '| module | score | killed | timed out | survived | no coverage |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (s) =>
        `| ${s.file} (${s.label}) | ${pct(s.score)} | ${s.killed} | ${s.timeout} | ${s.survived} | ${s.noCoverage} |`,
    ),
  ];
  return lines.join('\n');
}

/** Runs Stryker, echoing its output; answers its exit code and how many results the incremental file reused. */
function runStryker(args: string[]): Promise<{ code: number; reused?: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/stryker'), ['run', 'stryker.config.mjs', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let reused: string | undefined;
    const watch = (chunk: Buffer, out: NodeJS.WriteStream) => {
      out.write(chunk);
      const m = /Incremental report: (.*)/.exec(chunk.toString());
      if (m) reused = m[1]?.trim();
    };
    child.stdout.on('data', (c: Buffer) => watch(c, process.stdout));
    child.stderr.on('data', (c: Buffer) => watch(c, process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, reused }));
  });
}

function writeReadme(rows: ModuleScore[], footer: string): void {
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) {
    console.warn(`README.md has no ${START} … ${END} block; scores not written.`);
    return;
  }
  const block = `${START}\n${table(rows)}\n\n${footer}\n${END}`;
  writeFileSync(README, readme.slice(0, start) + block + readme.slice(end + END.length));
  // The table as Prettier lays it out, so `npm run lint` stays clean after a run.
  execFileSync(join(ROOT, 'node_modules', '.bin', 'prettier'), ['--write', README], { stdio: 'ignore' });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const reportOnly = args.includes('--report-only');
  const started = Date.now();
  let reused: string | undefined;
  if (!reportOnly) {
    const run = await runStryker(args);
    reused = run.reused;
    if (run.code !== 0) {
      console.error(`Stryker exited with ${run.code}.`);
      process.exit(run.code);
    }
  }
  const minutes = (Date.now() - started) / 60_000;
  const rows = scores(JSON.parse(readFileSync(REPORT, 'utf8')) as Report);
  console.info(`\nMutation scores (threshold ${THRESHOLD} %, no mutant without coverage):\n${table(rows)}`);
  for (const s of rows)
    for (const m of s.missed)
      console.info(
        `  ${m.status} ${m.file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} → ${JSON.stringify(m.replacement ?? '')}`,
      );
  if (!reportOnly) {
    const concurrency = process.env.STRYKER_CONCURRENCY ?? '2';
    writeReadme(
      rows,
      `Last run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${minutes.toFixed(1)} min on ${cpus().length} cores ` +
        `(concurrency ${concurrency})${reused ? `, incremental: ${reused}` : ''}. Written by \`npm run mutation\`.`,
    );
  }
  const bad = rows.filter(failing);
  if (bad.length > 0) {
    console.error(`\nUnder ${THRESHOLD} % or with uncovered mutants: ${bad.map((s) => s.file).join(', ')}`);
    process.exit(1);
  }
}

void main();
