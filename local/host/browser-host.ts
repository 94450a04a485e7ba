/**
 * The browser host: serves a Jira-like admin page that loads the app's UI Kit bundle through the
 * browser bridge, answers `invoke` through the resolver host as the chosen user (`?as=<accountId>`),
 * and lists the seeded users one can act as. Everything listens on 127.0.0.1 only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SiteState } from '../jira-sim/model';
import { NAMED_USERS } from '../jira-sim/seed';
import type { ResolverHost } from './resolver-host';
import { adminPageUi, WEB_DIR, type UiBundle } from './build-frontend';

export interface BrowserHost {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(state: SiteState, actAs: string, uiEntry: string): string {
  const roles: Array<[string, string]> = [
    [NAMED_USERS.siteAdmin.accountId, 'Ada Admin (site admin)'],
    [NAMED_USERS.jiraAdmin.accountId, 'Jonas Jira-Admin (Jira admin)'],
    [NAMED_USERS.regular.accountId, 'Rita Regular (no admin rights)'],
    [NAMED_USERS.noAccess.accountId, 'Nils No-Access (no product access)'],
  ];
  const options = roles
    .map(([id, label]) => `<option value="${id}"${id === actAs ? ' selected' : ''}>${label}</option>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>User Admin · ${state.siteName} (local Forge site)</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/host.css">
<style>body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif}
.jira-bar{display:flex;gap:16px;align-items:center;padding:8px 24px;background:#1d2125;color:#fff;font-size:14px}
.jira-bar select{font-size:14px}#app{padding:24px 32px;max-width:1280px}</style></head>
<body><header class="jira-bar"><strong>Jira settings › Apps › User Admin</strong><span>local site ${state.siteName}</span>
<label>Act as <select id="act-as" onchange="location.search='?as='+encodeURIComponent(this.value)">${options}${roles.some(([id]) => id === actAs) ? '' : `<option value="${escapeHtml(actAs)}" selected>${escapeHtml(actAs)}</option>`}</select></label>
<form onsubmit="location.search='?as='+encodeURIComponent(this.elements.id.value);return false"><input name="id" placeholder="or any account ID" size="40"></form></header>
<main id="app" data-testid="forge-app" data-ui-entry="/ui/${escapeHtml(uiEntry)}"></main><script src="/host.js"></script></body></html>`;
}

/**
 * What Jira's own `User` and `UserPicker` components look up for the page (the product, not the app, asks):
 * `/host/users?accountId=…` (names and avatars of these accounts) and `/host/users?query=…` (active people whose
 * name or email starts with the text, 20 at most). Emails follow profile visibility, as Jira's picker shows them.
 */
function hostUsers(state: SiteState, url: URL) {
  const view = (u: SiteState['users'] extends Map<string, infer U> ? U : never) => ({
    id: u.accountId,
    name: u.displayName,
    email: u.emailVisible ? u.email : '',
    avatarUrl: '',
    type: 'user',
  });
  const ids = url.searchParams.getAll('accountId');
  if (ids.length > 0)
    return ids
      .map((id) => state.users.get(id))
      .filter((u) => !!u)
      .map((u) => view(u));
  const q = (url.searchParams.get('query') ?? '').trim().toLowerCase();
  if (!q) return [];
  return [...state.users.values()]
    .filter((u) => u.active && u.accountType !== 'app')
    .filter(
      (u) =>
        u.displayName
          .toLowerCase()
          .split(/[\s_.-]+/)
          .some((w) => w.startsWith(q)) ||
        u.displayName.toLowerCase().startsWith(q) ||
        (u.emailVisible && u.email.toLowerCase().startsWith(q)),
    )
    .slice(0, 20)
    .map((u) => view(u));
}

export async function startBrowserHost(opts: {
  host: ResolverHost;
  state: SiteState;
  port?: number;
  /** The app's UI Kit bundle; defaults to the admin page's resource in dist/package (see buildFrontend). */
  ui?: UiBundle;
}): Promise<BrowserHost> {
  const ui = opts.ui ?? adminPageUi();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      try {
        if (req.method === 'POST' && url.pathname === '/api/invoke') {
          const chunks: Buffer[] = [];
          for await (const c of req) chunks.push(c as Buffer);
          const { functionKey, payload } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            functionKey: string;
            payload: unknown;
          };
          const accountId = String(req.headers['x-act-as'] ?? '') || undefined;
          try {
            const result = await opts.host.invoke(functionKey, payload, accountId);
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result }));
          } catch (err) {
            res
              .writeHead(500, { 'content-type': 'application/json' })
              .end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
          }
          return;
        }
        if (req.method === 'GET' && url.pathname.startsWith('/host/users')) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hostUsers(opts.state, url)));
          return;
        }
        if (url.pathname === '/' || url.pathname === '/index.html') {
          const actAs = url.searchParams.get('as');
          if (!actAs) {
            res.writeHead(302, { location: `/?as=${encodeURIComponent(NAMED_USERS.siteAdmin.accountId)}` }).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(opts.state, actAs, ui.entry));
          return;
        }
        const file = url.pathname.replace(/^\/+/, '');
        // The app's UI bundle folder (entry, lazy chunks, assets) as Forge's CDN serves a resource.
        const uiFile = /^ui\/(\w[\w.-]*)$/.exec(file)?.[1];
        if (uiFile) {
          const ext = uiFile.slice(uiFile.lastIndexOf('.'));
          const body = await readFile(join(ui.dir, uiFile)).catch(() => undefined);
          if (body === undefined) res.writeHead(404).end(`${uiFile} not in ${ui.dir}: run npm run package`);
          else res.writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream' }).end(body);
          return;
        }
        if (/^host\.(js|css)$/.test(file)) {
          const ext = file.slice(file.lastIndexOf('.'));
          const body = await readFile(join(WEB_DIR, file)).catch(() => (ext === '.css' ? Buffer.from('') : undefined));
          if (body === undefined) {
            res.writeHead(404).end('not built');
            return;
          }
          res.writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream' }).end(body);
          return;
        }
        res.writeHead(404).end('not found');
      } catch (err) {
        res.writeHead(500).end(err instanceof Error ? err.message : 'error');
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
