/** How a health-check finding looks: a warning colour for what is coming, red for what is wrong now. */
import type { FindingView } from '../../../contract';

export function findingAppearance(f: FindingView): 'moved' | 'removed' {
  return f.kind === 'credential-expiring-30' || f.kind === 'naming' ? 'moved' : 'removed';
}
