/**
 * Launches Chromium through playwright-core (no downloaded browsers here). A system Chromium is used when
 * one is present (`CHROMIUM_PATH`, or Debian's `/usr/bin/chromium`); otherwise the binary that ships inside
 * the npm package `@sparticuz/chromium` is unpacked and launched with its own flags, so the browser tests
 * need nothing but `npm ci` on a fresh machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

const COMMON_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface ChromiumBinary {
  executablePath: string;
  args: string[];
}

let packaged: ChromiumBinary | undefined;

/**
 * `@sparticuz/chromium` is an ES module, which Jest's CommonJS runtime cannot import, so a short Node
 * process unpacks the binary (to the OS temp dir, once) and prints its path and recommended flags.
 */
function packagedChromium(): ChromiumBinary {
  if (packaged) return packaged;
  const script =
    "import('@sparticuz/chromium').then(async ({ default: c }) => " +
    'process.stdout.write(JSON.stringify({ executablePath: await c.executablePath(), args: c.args })))';
  const out = execFileSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8' });
  const parsed = JSON.parse(out) as ChromiumBinary;
  // Its flags assume AWS Lambda; keep them except the headless mode, which playwright sets itself.
  packaged = { executablePath: parsed.executablePath, args: parsed.args.filter((a) => !a.startsWith('--headless')) };
  return packaged;
}

/** Which Chromium the browser tests and scripts use: a system one when present, else the packaged one. */
export function chromiumBinary(): ChromiumBinary {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`CHROMIUM_PATH points at ${explicit}, which does not exist.`);
    return { executablePath: explicit, args: ['--headless', ...COMMON_ARGS] };
  }
  const system = SYSTEM_CHROMIUM.find((p) => existsSync(p));
  if (system) return { executablePath: system, args: ['--headless', ...COMMON_ARGS] };
  return packagedChromium();
}

export async function launchChromium(): Promise<Browser> {
  const { executablePath, args } = chromiumBinary();
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...new Set([...args, ...COMMON_ARGS])],
  });
}
