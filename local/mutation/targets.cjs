/**
 * What mutation testing covers (read by stryker.config.mjs, the mutation jest config and run.ts): the
 * security layer's modules, each with the label the scores table shows, and the jest suites that pin them
 * down. A target may be part of a larger file (the CSV neutraliser and its patterns, the access modes):
 * its lines are found in the source, so the ranges follow the code when the file changes.
 */
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');
const lines = (file) => readFileSync(join(ROOT, file), 'utf8').split('\n');

/**
 * `file:start-end` for each named top-level declaration: a function up to its closing brace at column 0,
 * a constant up to the line that ends its statement.
 */
function declarationRanges(file, names) {
  const text = lines(file);
  return names.map((name) => {
    const decl = new RegExp(`^(export )?(function ${name}\\(|const ${name}\\b)`);
    const start = text.findIndex((l) => decl.test(l));
    if (start < 0) throw new Error(`${file}: no top-level declaration of ${name}`);
    const isFunction = text[start].includes('function ');
    const end = text.findIndex((l, i) => i >= start && (isFunction ? i > start && l.startsWith('}') : l.endsWith(';')));
    return `${file}:${start + 1}-${end + 1}`;
  });
}

/**
 * Every resolver key's authorization mode, `access: 'cached' | 'live'` in the features' resolvers.ts, as
 * `file:line:column-line:column` ranges (lines 1-based, columns 0-based as Stryker reads them): only the
 * mode is mutated, not the validation and service call beside it.
 */
function accessModes() {
  const ranges = [];
  // Every resolvers.ts under src/features, a feature's own and those of its parts (functional-accounts/escalation).
  const files = readdirSync(join(ROOT, 'src/features'), { recursive: true })
    .map(String)
    .filter((f) => f === 'resolvers.ts' || f.endsWith('/resolvers.ts'))
    .sort()
    .map((f) => `src/features/${f}`);
  for (const file of files) {
    const text = lines(file);
    text.forEach((l, i) => {
      const m = /access: '(cached|live)'/.exec(l);
      if (m) ranges.push(`${file}:${i + 1}:${m.index}-${i + 1}:${m.index + m[0].length}`);
    });
  }
  if (ranges.length === 0) throw new Error('no access modes found in src/features/**/resolvers.ts');
  return ranges;
}

/**
 * The modules mutated, in the order the scores table lists them; `mutate` holds Stryker mutate patterns
 * (a file, or ranges of one). A function: the ranges are read from the sources as they are, not from
 * Stryker's instrumented copies (the jest config loads this file inside the sandbox too).
 */
const targets = () => [
  {
    label: 'authorization wrapper, calling site, Jira status → error',
    name: '`src/invocation/define.ts`',
    mutate: ['src/invocation/define.ts'],
  },
  { label: 'payload validation', name: '`src/invocation/validate.ts`', mutate: ['src/invocation/validate.ts'] },
  {
    label: 'which keys may use a cached answer',
    name: '`access` modes in `src/features/**/resolvers.ts`',
    mutate: accessModes(),
  },
  { label: 'email redaction', name: '`src/store/redact.ts`', mutate: ['src/store/redact.ts'] },
  {
    label: 'CSV neutraliser',
    name: '`neutraliseCsvCell` in `src/features/audit/audit.ts`',
    mutate: declarationRanges('src/features/audit/audit.ts', [
      'INVISIBLE',
      'FORMULA_AFTER_PADDING',
      'neutraliseCsvCell',
    ]),
  },
];

/**
 * The suites mutants are tried against: a mutant runs the tests that cover it (per-test coverage); a
 * mutant of a module-level constant runs every test in those of these suites that import its module
 * (jest --findRelatedTests). Fast pure suites first, the local-site suite last. The authorization matrix,
 * privacy and fuzz suites are left out (each takes many seconds and they pin other properties); they run
 * in `npm test`.
 */
const SUITES = [
  'test/security/payload-validation.test.ts',
  'test/security/email-redaction.test.ts',
  'test/security/access-modes.test.ts',
  'test/security/audit-csv.test.ts',
  'test/security/resolver-definition.test.ts',
];

module.exports = { ROOT, targets, SUITES };
