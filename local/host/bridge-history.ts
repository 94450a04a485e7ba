/**
 * What `view.createHistory()` (@forge/bridge) gets from the host: a history object in the `history` v4
 * shape (location, push, replace, listen, go, goBack, goForward). In Jira a full-page module's app path
 * follows the page URL (/jira/settings/apps/{appId}/{envId}/<path>), so it survives a reload; the browser
 * host keeps it in the URL's hash instead (`#/audit`), which needs nothing from the server. Tests in Node
 * use the in-memory one. Reference: developer.atlassian.com/platform/forge/add-routing-to-a-full-page-app.
 */
export interface BridgeLocation {
  pathname: string;
  search: string;
  hash: string;
  state: unknown;
  key: string;
}

export interface BridgeHistory {
  location: BridgeLocation;
  length: number;
  action: 'POP' | 'PUSH' | 'REPLACE';
  push(path: string, state?: unknown): void;
  replace(path: string, state?: unknown): void;
  go(n: number): void;
  goBack(): void;
  goForward(): void;
  listen(listener: (location: BridgeLocation, action: string) => void): () => void;
}

function locationOf(path: string, state: unknown, key: string): BridgeLocation {
  const [pathname = '/', search = ''] = path.split('?');
  return { pathname: pathname || '/', search: search ? `?${search}` : '', hash: '', state, key };
}

/** An in-memory history, for rendering the page in Node. */
export function createMemoryHistory(initialPath = '/'): BridgeHistory {
  const entries: BridgeLocation[] = [locationOf(initialPath, undefined, 'default')];
  let index = 0;
  const listeners = new Set<(l: BridgeLocation, a: string) => void>();
  const notify = (action: BridgeHistory['action']) => {
    history.location = entries[index] as BridgeLocation;
    history.length = entries.length;
    history.action = action;
    for (const l of listeners) l(history.location, action);
  };
  const history: BridgeHistory = {
    location: entries[0] as BridgeLocation,
    length: 1,
    action: 'POP',
    push(path, state) {
      entries.splice(index + 1, entries.length, locationOf(path, state, String(entries.length)));
      index += 1;
      notify('PUSH');
    },
    replace(path, state) {
      entries[index] = locationOf(path, state, String(index));
      notify('REPLACE');
    },
    go(n) {
      index = Math.min(Math.max(index + n, 0), entries.length - 1);
      notify('POP');
    },
    goBack: () => history.go(-1),
    goForward: () => history.go(1),
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return history;
}

/** The browser host's history: the app path lives in `location.hash`, so a reload keeps it. */
export function createHashHistory(win: Window): BridgeHistory {
  const current = (): BridgeLocation =>
    locationOf(win.location.hash.replace(/^#/, '') || '/', win.history.state, String(win.history.length));
  const listeners = new Set<(l: BridgeLocation, a: string) => void>();
  const history: BridgeHistory = {
    location: current(),
    length: win.history.length,
    action: 'POP',
    push(path, state) {
      win.history.pushState(state ?? null, '', `${win.location.pathname}${win.location.search}#${path}`);
      emit('PUSH');
    },
    replace(path, state) {
      win.history.replaceState(state ?? null, '', `${win.location.pathname}${win.location.search}#${path}`);
      emit('REPLACE');
    },
    go: (n) => win.history.go(n),
    goBack: () => win.history.back(),
    goForward: () => win.history.forward(),
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  function emit(action: BridgeHistory['action']) {
    history.location = current();
    history.length = win.history.length;
    history.action = action;
    for (const l of listeners) l(history.location, action);
  }
  win.addEventListener('popstate', () => emit('POP'));
  return history;
}
