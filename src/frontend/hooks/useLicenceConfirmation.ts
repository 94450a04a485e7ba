/**
 * Changes that consume licences come back CONFIRMATION_REQUIRED until the administrator confirms: this
 * keeps Jira's warning to show (instead of an error) and clears it once the change goes through.
 */
import { useState } from 'react';
import type { Envelope } from '../../contract';
import type { useAction } from './useAction';

export function useLicenceConfirmation(action: ReturnType<typeof useAction>) {
  const [message, setMessage] = useState<string | undefined>();
  /** The change's envelope, or undefined when it now waits for confirmation. */
  const attempt = async <T>(work: () => Promise<Envelope<T>>): Promise<Envelope<T> | undefined> => {
    const res = await action.run(work);
    if (!res.ok && res.error.code === 'CONFIRMATION_REQUIRED') {
      action.setError(undefined);
      setMessage(res.error.message);
      return undefined;
    }
    setMessage(undefined);
    return res;
  };
  /** Forget a warning that no longer applies (another person or group was chosen). */
  const clear = () => setMessage(undefined);
  return { message, attempt, clear };
}
