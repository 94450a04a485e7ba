/**
 * The local Forge site in one call: the Jira simulator with the seeded site and the app installed with
 * its manifest scopes, the Forge runtime hooks, the KVS store and the resolver host. Tests start it
 * in-process on an ephemeral port; `npm start` starts it with a file-backed KVS and the browser host.
 */
import { randomUUID } from 'node:crypto';
import { KvsStore } from './forge-runtime/kvs-store';
import { installForgeRuntime } from './forge-runtime/runtime';
import { createResolverHost, type ForgeHandler, type ResolverHost } from './host/resolver-host';
import { startSimulator, type Simulator, type SimulatorOptions } from './jira-sim/server';
import { readManifest } from './manifest';

export interface LocalSiteOptions extends Omit<SimulatorOptions, 'apps'> {
  /** Scopes the installed app holds; defaults to manifest.yml's. */
  scopes?: string[];
  kvsFile?: string;
  resolverTimeoutMs?: number;
}

export interface LocalSite {
  sim: Simulator;
  kvs: KvsStore;
  host: ResolverHost;
  siteUrl: string;
  close(): Promise<void>;
}

export async function startLocalSite(options: LocalSiteOptions = {}): Promise<LocalSite> {
  const manifest = readManifest();
  const installToken = randomUUID();
  const sim = await startSimulator({
    ...options,
    apps: [{ installToken, scopes: options.scopes ?? manifest.permissions.scopes }],
  });
  const kvs = new KvsStore(options.kvsFile);
  installForgeRuntime({ simulatorUrl: sim.url, installToken, kvs, appId: manifest.app.id });
  // The app is loaded only now, after the runtime hooks exist (as on Forge, where they are there first).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require('../src/index') as { handler: ForgeHandler };
  const moduleKey = String(manifest.modules['jira:adminPage']?.[0]?.key ?? 'admin-page');
  const host = createResolverHost({
    handler,
    cloudId: sim.state.cloudId,
    siteUrl: sim.url,
    moduleKey,
    timeoutMs: options.resolverTimeoutMs,
  });
  return { sim, kvs, host, siteUrl: sim.url, close: () => sim.close() };
}
