/**
 * Runs a functional health check to its end on the local site, as an administrator would: Check now
 * (the runHealthCheck resolver starts a run on Forge's queue), then the queue's consumers in the
 * background until nothing is left; answers the run's summary as the Functional tab reads it.
 */
import type { Envelope, HealthCheckProgress, HealthRun, RegistryPage } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { invokeAs, ok } from './site';

export async function checkNowToEnd(site: LocalSite, admin: string): Promise<HealthRun> {
  const started = await ok(invokeAs<Envelope<HealthCheckProgress>>(site, admin, 'runHealthCheck', {}));
  await site.queue.idle();
  const done = await ok(
    invokeAs<Envelope<HealthCheckProgress>>(site, admin, 'getHealthCheck', { runId: started.runId }),
  );
  if (done.status !== 'done' || !done.summary) throw new Error(`health check ${started.runId} is ${done.status}`);
  const page = await ok(invokeAs<Envelope<RegistryPage>>(site, admin, 'listFunctional', {}));
  if (page.lastCheck?.runId !== started.runId) throw new Error('the registry does not show the finished run');
  return done.summary;
}
