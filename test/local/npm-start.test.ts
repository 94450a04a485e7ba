/**
 * `npm start` as a person runs it: it serves the site, keeps the site's Jira state beside the app's storage
 * across a restart, starts afresh with `--clean`, and SIGTERM to npm stops every process it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

interface Running {
  npm: ChildProcess;
  output: () => string;
  siteUrl: string;
  simUrl: string;
}

/** Starts `npm start` with its storage in `dataDir` and waits for both URLs it prints. */
async function npmStart(dataDir: string, args: string[] = []): Promise<Running> {
  const npm = spawn('npm', ['start', ...(args.length ? ['--', ...args] : [])], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', SIM_PORT: '0', SEED_USERS: '200', LOCAL_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  npm.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  npm.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const urls = await new Promise<{ siteUrl: string; simUrl: string }>((resolve, reject) => {
    const poll = setInterval(() => {
      const site = /Local Forge site: (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      const sim = /Jira simulator: +(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (site?.[1] && sim?.[1]) {
        clearInterval(poll);
        resolve({ siteUrl: site[1], simUrl: sim[1] });
      }
    }, 200);
    npm.on('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`npm start exited (${code}):\n${out}`));
    });
  });
  return { npm, output: () => out, ...urls };
}

function listening(url: string): Promise<boolean> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: Number(port) });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

async function stop(run: Running): Promise<void> {
  const exited = new Promise((resolve) => run.npm.on('exit', resolve));
  run.npm.kill('SIGTERM');
  await exited;
  // The app's own process closes its servers after npm is gone; give it its grace period.
  for (let i = 0; i < 50 && ((await listening(run.siteUrl)) || (await listening(run.simUrl))); i++)
    await new Promise((r) => setTimeout(r, 200));
}

const auth = `Basic ${Buffer.from('ada.admin@example.com:local-dev-token').toString('base64')}`;

async function createGroup(simUrl: string, name: string): Promise<void> {
  const res = await fetch(`${simUrl}/rest/api/3/group`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(res.status).toBe(201);
}

async function groupExists(simUrl: string, name: string): Promise<boolean> {
  const res = await fetch(`${simUrl}/rest/api/3/groups/picker?query=${encodeURIComponent(name)}`, {
    headers: { authorization: auth },
  });
  const body = (await res.json()) as { groups: { name: string }[] };
  return body.groups.some((g) => g.name === name);
}

describe('npm start', () => {
  let dataDir: string;
  beforeAll(() => {
    // This test's own storage; the checkout's dist/package/ is shared with the other suites (built once).
    dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  it('keeps the site across a restart, starts afresh with --clean, and stops every process on SIGTERM', async () => {
    const first = await npmStart(dataDir);
    expect((await fetch(first.siteUrl)).status).toBe(200);
    await createGroup(first.simUrl, 'kept-across-restarts');
    await stop(first);
    expect(await listening(first.siteUrl)).toBe(false);
    expect(await listening(first.simUrl)).toBe(false);
    expect(first.output()).toContain('SIGTERM: saving the site and stopping');

    const second = await npmStart(dataDir);
    expect(second.output()).toContain('Restoring the site as it was at');
    expect(await groupExists(second.simUrl, 'kept-across-restarts')).toBe(true);
    await stop(second);

    const clean = await npmStart(dataDir, ['--clean']);
    expect(clean.output()).toContain('Clean start');
    expect(await groupExists(clean.simUrl, 'kept-across-restarts')).toBe(false);
    await stop(clean);
    expect(await listening(clean.siteUrl)).toBe(false);
  }, 600_000);
});
