/**
 * The local Forge site in one call: the Jira simulator with the seeded site and the app installed with
 * its manifest scopes, the Forge runtime hooks, the KVS store and the resolver host. Tests start it
 * in-process on an ephemeral port; `npm start` starts it with a file-backed KVS and the browser host.
 * The app's functions come from its sources (tests' fast path) or from the bundle Forge's bundler built
 * (`npm start`, test/bundle), see app-functions.ts.
 */
import { randomUUID } from 'node:crypto';
import { loadAppFunctions, type AppCode, type AppFunctions } from './app-functions';
import type { ContainerOptions } from './forge-runtime/containers';
import { KvsStore, type KvsRateLimits } from './forge-runtime/kvs-store';
import { FORGE_LIMITS } from './forge-runtime/limits';
import {
  ForgeQueueService,
  type ConsumerDefinition,
  type ConsumerHandler,
  type QueueOptions,
} from './forge-runtime/queue';
import { ProductEventService, type ProductEventOptions } from './forge-runtime/product-events';
import { installForgeRuntime, runInvocation } from './forge-runtime/runtime';
import { createResolverHost, type ForgeHandler, type ResolverHost } from './host/resolver-host';
import { startSimulator, type Simulator, type SimulatorOptions } from './jira-sim/server';
import type { UserEventEmitter } from './jira-sim/user-events';
import { impersonationScopes, readManifest, scopeNames } from './manifest';

export interface LocalSiteOptions extends Omit<SimulatorOptions, 'apps'> {
  /** Scopes the installed app holds; defaults to manifest.yml's. */
  scopes?: string[];
  /** Scopes with `allowImpersonation: true`; defaults to manifest.yml's. */
  impersonationScopes?: string[];
  kvsFile?: string;
  /** Latency of every KVS call the app makes, in ms (also settable later as `site.kvs.latencyMs`). */
  kvsLatencyMs?: number;
  /**
   * KVS rate limits per installation; Forge's (1,000 requests/s, 4,000 read and 4,000 write units a minute)
   * by default. `false` switches them off: for stress tests that compress minutes of use into seconds.
   */
  kvsRateLimits?: KvsRateLimits | false;
  resolverTimeoutMs?: number;
  /** Async events: time scale, consumer time limit override and faults (duplicates, kills). */
  queue?: QueueOptions;
  /** Where the app's functions are loaded from; defaults to the sources. */
  code?: AppCode;
  /** Containers: Forge-like isolated ones by default; `{ mode: 'shared' }` for one shared container. */
  containers?: ContainerOptions;
  /** Delivery of Jira's events to `trigger` modules: faults (twice, late, out of order) and their seed. */
  productEvents?: ProductEventOptions;
}

export interface LocalSite {
  sim: Simulator;
  kvs: KvsStore;
  host: ResolverHost;
  siteUrl: string;
  /** Fires a `scheduledTrigger` module as Forge does: no user, the consumer timeout, the trigger's context. */
  runScheduledTrigger(triggerKey: string): Promise<unknown>;
  /**
   * Forge's async events: the manifest's consumers run in the background as events arrive.
   * `await site.queue.idle()` waits until every pushed event has been processed (or has failed).
   */
  queue: ForgeQueueService;
  /** Every function manifest.yml declares, by key, loaded from `options.code`. */
  functions: AppFunctions;
  /**
   * Jira's events (the simulator's user events) delivered to the manifest's `trigger` modules;
   * `await site.productEvents.idle()` waits until every delivery due so far has finished.
   */
  productEvents: ProductEventService;
  close(): Promise<void>;
}

export async function startLocalSite(options: LocalSiteOptions = {}): Promise<LocalSite> {
  const manifest = readManifest();
  const installToken = randomUUID();
  const sim = await startSimulator({
    ...options,
    apps: [
      {
        installToken,
        appId: manifest.app.id,
        scopes: options.scopes ?? scopeNames(manifest),
        impersonationScopes: options.impersonationScopes ?? impersonationScopes(manifest),
      },
    ],
  });
  const kvs = new KvsStore(options.kvsFile);
  kvs.latencyMs = options.kvsLatencyMs ?? 0;
  if (options.kvsRateLimits !== undefined) kvs.rateLimits = options.kvsRateLimits || undefined;
  const installContext = `ari:cloud:jira::site/${sim.state.cloudId}`;
  const queue = new ForgeQueueService([], { installContext, ...options.queue });
  installForgeRuntime({
    simulatorUrl: sim.url,
    installToken,
    kvs,
    queue,
    appId: manifest.app.id,
    installationId: installToken,
    impersonation: {
      scopes: options.impersonationScopes ?? impersonationScopes(manifest),
      accountKind: (id) => {
        const user = sim.state.users.get(id);
        if (!user) return 'unknown';
        if (user.accountType !== 'atlassian') return user.accountType === 'app' ? 'app' : 'customer';
        return user.active ? 'atlassian' : 'inactive';
      },
    },
  });
  // The app is loaded only now, after the runtime hooks exist (as on Forge, where they are there first).
  // FORGE_CONTAINERS=shared switches the default to one shared container (to compare speed and behaviour).
  const containers = options.containers ?? (process.env.FORGE_CONTAINERS === 'shared' ? { mode: 'shared' } : {});
  const functions = loadAppFunctions(manifest, options.code ?? { from: 'sources' }, containers);
  for (const consumer of consumersOf(manifest, functions)) queue.register(consumer);
  const productEvents = new ProductEventService({ installContext, ...options.productEvents });
  for (const trigger of manifest.modules.trigger ?? []) {
    productEvents.register({
      key: String(trigger.key),
      events: ((trigger.events as unknown[] | undefined) ?? []).map(String),
      handler: functions.get(String(trigger.function)) as unknown as (e: unknown, c: unknown) => Promise<unknown>,
    });
  }
  // The simulator's user events for this site (its emitter, once the simulator has one).
  const userEvents = (sim as Simulator & { userEvents?: UserEventEmitter }).userEvents;
  const unsubscribe = userEvents?.on((event, origin) => {
    if (origin.cloudId === sim.state.cloudId) productEvents.deliver(event);
  });
  const page = manifest.modules['jira:adminPage']?.[0];
  const moduleKey = String(page?.key ?? 'admin-page');
  const resolverKey = String((page?.resolver as { function?: string } | undefined)?.function ?? 'resolver');
  const host = createResolverHost({
    handler: functions.get(resolverKey) as ForgeHandler,
    cloudId: sim.state.cloudId,
    siteUrl: sim.url,
    moduleKey,
    timeoutMs: options.resolverTimeoutMs,
  });
  const runScheduledTrigger = async (triggerKey: string) => {
    const trigger = manifest.modules.scheduledTrigger?.find((t) => t.key === triggerKey);
    if (!trigger) throw new Error(`manifest.yml has no scheduled trigger ${triggerKey}`);
    const handlerFn = functions.get(String(trigger.function)) as (req: unknown, ctx: unknown) => Promise<unknown>;
    return runInvocation({ moduleKey: triggerKey, timeoutMs: FORGE_LIMITS.consumerTimeoutMs }, () =>
      handlerFn(
        { context: { cloudId: sim.state.cloudId, moduleKey: triggerKey } },
        { installContext: `ari:cloud:jira::site/${sim.state.cloudId}` },
      ),
    );
  };
  const close = async () => {
    unsubscribe?.();
    await productEvents.close();
    await queue.close();
    await sim.close();
  };
  return { sim, kvs, host, siteUrl: sim.url, runScheduledTrigger, queue, functions, productEvents, close };
}

/** The manifest's `consumer` modules (queue → function), with their functions' handlers. */
function consumersOf(manifest: ReturnType<typeof readManifest>, functions: AppFunctions): ConsumerDefinition[] {
  return (manifest.modules.consumer ?? []).map((c) => {
    const fn = manifest.modules.function?.find((f) => f.key === c.function);
    if (!fn) throw new Error(`manifest.yml: consumer ${String(c.key)} names no function module`);
    return {
      key: String(c.key),
      queue: String(c.queue),
      timeoutSeconds: fn.timeoutSeconds === undefined ? undefined : Number(fn.timeoutSeconds),
      handler: functions.get(String(fn.key)) as unknown as ConsumerHandler,
    };
  });
}
