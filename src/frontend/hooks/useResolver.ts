/**
 * Loads one resolver's result into state: `loading`, then the data or the error, with `reload`.
 */
import { useCallback, useEffect, useState } from 'react';
import type { AppError, ResolverContract, ResolverKey } from '../../contract';
import { call } from '../api';

export type Loadable<T> = { status: 'loading' } | { status: 'error'; error: AppError } | { status: 'ready'; data: T };

export function useResolver<K extends ResolverKey>(
  key: K,
  payload: ResolverContract[K]['payload'],
): [Loadable<ResolverContract[K]['result']>, () => void] {
  const [state, setState] = useState<Loadable<ResolverContract[K]['result']>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const payloadKey = JSON.stringify(payload);
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    void call(key, JSON.parse(payloadKey) as ResolverContract[K]['payload']).then((res) => {
      if (!live) return;
      setState(res.ok ? { status: 'ready', data: res.data } : { status: 'error', error: res.error });
    });
    return () => {
      live = false;
    };
  }, [key, payloadKey, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return [state, reload];
}
