/**
 * Containers, as Forge runs functions: each invocation runs in a container (an AWS Lambda execution
 * environment) that holds its own copy of the app's modules; a container serves one invocation at a time and
 * stays warm for the next; concurrent invocations get different containers, a new one being a cold start;
 * containers are never shared across functions. Module state (caches, pacers, permission answers) is thus
 * shared only by the invocations one warm container serves in turn (../shared/DESIGN.md §2; AWS Lambda
 * operator guide, "Lambda execution environments": "A single execution environment may be reused by subsequent
 * function invocations", "Execution environments are never shared across functions").
 *
 * A container's copy of the modules is a fresh module registry: under Jest, `jest.isolateModules` (Jest's
 * own registry, which is what `require` means there); under Node (tsx, `npm start`, benches), a swap of
 * Node's require cache while the container's entry module loads. Either way the app and the real `@forge/*`
 * packages are loaded again for each container and reach the platform only through the global hooks
 * (`__forge_runtime__`, `__forge_fetch__`), which all containers share, as all Lambdas share Forge's proxy.
 * A module required lazily after loading would come from the shared registry; the app requires everything
 * at load time.
 *
 * `mode: 'shared'` goes back to one container serving every invocation at once (the app's modules loaded
 * once, with the test files' own copies under Jest): faster, and what a suite needs if it must reach into
 * the app's module state.
 */
import Module from 'node:module';

export interface ContainerOptions {
  /** 'isolated' (default): Forge-like containers. 'shared': one container for everything, concurrently. */
  mode?: 'isolated' | 'shared';
  /** Warm idle containers kept per function (beyond it the oldest is discarded); default 16. */
  maxWarm?: number;
  /** An idle container older than this (ms) is reclaimed; default 15 minutes. */
  idleMs?: number;
}

export interface ContainerStats {
  /** Containers started (each a cold start), per function key. */
  coldStarts: Record<string, number>;
  /** Invocations served by a warm container, per function key. */
  warmStarts: Record<string, number>;
  /** Containers currently serving an invocation. */
  busy: number;
  /** Idle warm containers. */
  idle: number;
}

/** The exports of one loaded module file. */
type ModuleExports = Record<string, unknown>;

interface Container {
  id: number;
  exports: ModuleExports;
  lastUsed: number;
}

declare const jest: { isolateModules(fn: () => void): void } | undefined;

let nextContainerId = 1;

/** Loads `file` into a fresh module registry: its own copy of it and of everything it requires. */
export function loadIsolated(file: string): ModuleExports {
  let loaded: ModuleExports | undefined;
  if (typeof jest !== 'undefined' && typeof jest?.isolateModules === 'function') {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require(file) as ModuleExports;
    });
    return loaded as ModuleExports;
  }
  const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;
  const saved = { ...cache };
  for (const key of Object.keys(cache)) delete cache[key];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(file) as ModuleExports;
  } finally {
    for (const key of Object.keys(cache)) delete cache[key];
    Object.assign(cache, saved);
  }
  return loaded;
}

/** Loads `file` once into the shared registry (the `shared` mode, and Node's ordinary `require`). */
function loadShared(file: string): ModuleExports {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as ModuleExports;
}

/**
 * The containers of one app installation's functions. `run(key, file, call)` takes a warm idle container of
 * function `key` (the most recently used, as Lambda reuses), or starts one that loads `file`, runs `call`
 * with the container's exports, and returns the container to the pool when the invocation ends. A container
 * whose invocation timed out or was killed is not reused (its code may still be running, frozen).
 */
export class ContainerPool {
  private readonly idle = new Map<string, Container[]>();
  private shared: Map<string, ModuleExports> | undefined;
  private busyCount = 0;
  readonly stats: ContainerStats = { coldStarts: {}, warmStarts: {}, busy: 0, idle: 0 };

  constructor(private readonly options: ContainerOptions = {}) {}

  get mode(): 'isolated' | 'shared' {
    return this.options.mode ?? 'isolated';
  }

  async run<T>(
    key: string,
    file: string,
    call: (exports: ModuleExports, container: number) => Promise<T>,
    isExpired: () => boolean,
  ): Promise<T> {
    if (this.mode === 'shared') {
      this.shared ??= new Map();
      let exports = this.shared.get(file);
      if (!exports) {
        exports = loadShared(file);
        this.shared.set(file, exports);
        this.count(this.stats.coldStarts, key);
      } else this.count(this.stats.warmStarts, key);
      return call(exports, 0);
    }
    const container = this.take(key, file);
    this.busyCount += 1;
    this.refresh();
    let reusable = false;
    try {
      const result = await call(container.exports, container.id);
      reusable = !isExpired();
      return result;
    } catch (err) {
      reusable = !isExpired();
      throw err;
    } finally {
      this.busyCount -= 1;
      if (reusable) this.give(key, container);
      this.refresh();
    }
  }

  /** Discards every idle container: the next invocations start cold. */
  drain(): void {
    this.idle.clear();
    this.refresh();
  }

  private take(key: string, file: string): Container {
    const now = Date.now();
    const list = this.idle.get(key) ?? [];
    const idleMs = this.options.idleMs ?? 15 * 60_000;
    while (list.length > 0) {
      const c = list.pop() as Container;
      if (now - c.lastUsed <= idleMs) {
        this.count(this.stats.warmStarts, key);
        return c;
      }
    }
    this.count(this.stats.coldStarts, key);
    return { id: nextContainerId++, exports: loadIsolated(file), lastUsed: now };
  }

  private give(key: string, container: Container): void {
    container.lastUsed = Date.now();
    const list = this.idle.get(key) ?? [];
    list.push(container);
    while (list.length > (this.options.maxWarm ?? 16)) list.shift();
    this.idle.set(key, list);
  }

  private count(map: Record<string, number>, key: string): void {
    map[key] = (map[key] ?? 0) + 1;
  }

  private refresh(): void {
    this.stats.busy = this.busyCount;
    this.stats.idle = [...this.idle.values()].reduce((n, l) => n + l.length, 0);
  }
}
