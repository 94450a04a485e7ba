/**
 * The open tab, kept in the page's address through Forge's `view.createHistory()` (@forge/bridge), so a
 * reload or a shared link opens the same tab and the browser's Back button goes to the previous one.
 * Jira offers that history to full-page modules such as `jira:adminPage` (see "Add routing to a full page
 * app", developer.atlassian.com/platform/forge/add-routing-to-a-full-page-app); where the host has none,
 * the tab is simply kept in memory. Per-user storage would cost a resolver call on every load and every
 * tab change; the address costs nothing.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { view } from '@forge/bridge';

interface TabHistory {
  location: { pathname: string };
  push(path: string): void;
  listen(listener: (location: { pathname: string }) => void): () => void;
}

/** `paths[i]` is tab i's address (e.g. `/audit`); answers the selected index and a setter. */
export function useTabHistory(paths: readonly string[]): [number, (index: number) => void] {
  const indexOf = useCallback((pathname: string) => Math.max(paths.indexOf(pathname), 0), [paths]);
  const [selected, setSelected] = useState(0);
  const history = useRef<TabHistory | undefined>(undefined);
  useEffect(() => {
    let unlisten: (() => void) | undefined;
    let live = true;
    view
      .createHistory()
      .then((h) => {
        if (!live) return;
        const tabs = h as unknown as TabHistory;
        history.current = tabs;
        setSelected(indexOf(tabs.location.pathname));
        unlisten = tabs.listen((location) => setSelected(indexOf(location.pathname)));
      })
      .catch(() => undefined);
    return () => {
      live = false;
      unlisten?.();
    };
  }, [indexOf]);
  const select = useCallback(
    (index: number) => {
      setSelected(index);
      const path = paths[index];
      if (path && history.current && history.current.location.pathname !== path) history.current.push(path);
    },
    [paths],
  );
  return [selected, select];
}
