/**
 * The browser host's page script: sets `self.__bridge` (reconcile renders the ForgeDoc with Atlaskit;
 * invoke posts to the resolver host as the chosen user), then loads the app's UI Kit bundle (the one
 * Forge's native UI bundler built, served under /ui/), as Jira loads a Forge UI Kit module.
 */
import React from 'react';
import { createRoot } from 'react-dom/client';
import '@atlaskit/css-reset';
import { setBooleanFeatureFlagResolver } from '@atlaskit/platform-feature-flags';
import { createHashHistory, type BridgeHistory } from '../bridge-history';
import { renderDoc, type ForgeDoc } from './render';

// Jira sets Atlaskit's feature-flag resolver before it renders anything; without one, Atlaskit components
// ask an uninitialised feature-gate client and warn on every load. Here every flag is off (their default).
setBooleanFeatureFlagResolver(() => false);
let history: BridgeHistory | undefined;

const params = new URLSearchParams(location.search);
const actAs = params.get('as') ?? '';
const mount = document.getElementById('app');
if (!mount) throw new Error('no #app element');
const root = createRoot(mount);

(self as unknown as { __bridge: unknown }).__bridge = {
  callBridge: async (cmd: string, data: Record<string, unknown>) => {
    switch (cmd) {
      case 'reconcile':
        root.render(<>{renderDoc(data.forgeDoc as ForgeDoc)}</>);
        return undefined;
      case 'invoke': {
        const res = await fetch('/api/invoke', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-act-as': actAs },
          body: JSON.stringify({ functionKey: data.functionKey, payload: data.payload }),
        });
        const body = (await res.json()) as { result?: unknown; error?: string };
        if (!res.ok) throw new Error(body.error ?? `invoke failed (${res.status})`);
        return body.result;
      }
      case 'getContext':
        // Jira sends the viewer's profile locale and time zone; here the browser's stand in for them.
        return {
          accountId: actAs,
          moduleKey: 'user-admin-page',
          extension: { type: 'jira:adminPage' },
          locale: navigator.language,
          timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        };
      case 'createHistory':
        history ??= createHashHistory(window);
        return history;
      case 'onError':
        console.error('UI Kit error', data.error);
        return undefined;
      default:
        return undefined;
    }
  },
};

// The app's UI Kit bundle, as Forge's native UI bundler built it (the page names its entry script).
const script = document.createElement('script');
script.src = mount.dataset.uiEntry ?? '';
document.body.appendChild(script);
