/**
 * Entry of the UI Kit admin page (`resources.main` in manifest.yml).
 */
import React from 'react';
import ForgeReconciler from '@forge/react';
import { App } from './App';

ForgeReconciler.render(
  <React.StrictMode>
    <App />
  </React.StrictMode>,
);
