/**
 * Forward/back paging over opaque cursors: a stack of the cursors of the pages visited, which starts
 * over at the first page as soon as `resetKey` (the query and filters) changes.
 */
import { useState } from 'react';

export function useCursorPages(resetKey: string) {
  const [state, setState] = useState<{ key: string; stack: Array<string | undefined> }>({
    key: resetKey,
    stack: [undefined],
  });
  // A changed key means the first page, from this very render on (no request with a stale cursor).
  const stack = state.key === resetKey ? state.stack : [undefined];
  return {
    cursor: stack[stack.length - 1],
    pageNumber: stack.length,
    canGoBack: stack.length > 1,
    back: () => setState({ key: resetKey, stack: stack.length > 1 ? stack.slice(0, -1) : stack }),
    forward: (next: string | undefined) => {
      if (next) setState({ key: resetKey, stack: [...stack, next] });
    },
  };
}
