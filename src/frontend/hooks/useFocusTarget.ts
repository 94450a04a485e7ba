/**
 * Puts keyboard focus where an action's result is. UI Kit gives an app no `focus()` and no refs to the
 * host's elements: the only focus control it offers is `autoFocus` on mount (Button, Textfield, Select,
 * TextArea, DatePicker, Modal: @atlaskit/forge-react-types' generated props). So after an action the page
 * names the control that should have focus; that control is rendered with `autoFocus` and a new key, which
 * remounts it in the host, and the host focuses it. Nothing is focused on the page's first load.
 */
import { useCallback, useState } from 'react';

export interface FocusTarget<T extends string> {
  /** Moves focus to `target` (remounts it with autoFocus). */
  focus(target: T): void;
  /** The key for `target`'s control: changes each time focus is sent to it. */
  key(target: T): string;
  /** Whether `target` is the control that should hold focus. */
  auto(target: T): boolean;
}

export function useFocusTarget<T extends string>(): FocusTarget<T> {
  const [at, setAt] = useState<{ target: T; n: number } | undefined>();
  const focus = useCallback((target: T) => setAt((a) => ({ target, n: (a?.n ?? 0) + 1 })), []);
  const key = useCallback((target: T) => (at?.target === target ? `${target}#${at.n}` : target), [at]);
  const auto = useCallback((target: T) => at?.target === target, [at]);
  return { focus, key, auto };
}
