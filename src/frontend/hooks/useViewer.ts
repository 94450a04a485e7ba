/**
 * The viewer's locale and time zone from Forge's product context, for dates shown in one format (dates.ts).
 */
import { useProductContext } from '@forge/react';
import { viewerOf, type Viewer } from '../dates';

export function useViewer(): Viewer {
  return viewerOf(useProductContext() as { locale?: unknown; timezone?: unknown } | undefined);
}
