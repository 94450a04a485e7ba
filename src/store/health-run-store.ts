/**
 * The functional health check's runs in KVS: the last finished run's summary (`fa-health:last`).
 * Small, fixed-size values only.
 */
import { kvs } from '@forge/kvs';
import type { HealthRun } from '../contract';

const LAST_KEY = 'fa-health:last';

export interface HealthRunStore {
  lastSummary(): Promise<HealthRun | undefined>;
  putSummary(run: HealthRun): Promise<void>;
}

export const healthRunStore: HealthRunStore = {
  lastSummary: () => kvs.get<HealthRun>(LAST_KEY),
  putSummary: (run) => kvs.set(LAST_KEY, run),
};
