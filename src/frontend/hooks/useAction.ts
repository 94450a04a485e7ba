/**
 * Runs a resolver call on demand (a button press), tracking busy state and the last error, so every
 * action shows its failure instead of swallowing it.
 */
import { useCallback, useState } from 'react';
import type { AppError, Envelope } from '../../contract';

export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | undefined>();
  const run = useCallback(async <T>(work: () => Promise<Envelope<T>>): Promise<Envelope<T>> => {
    setBusy(true);
    setError(undefined);
    try {
      const res = await work();
      if (!res.ok) setError(res.error);
      return res;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
