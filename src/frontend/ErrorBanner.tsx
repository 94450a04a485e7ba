/**
 * Shows an envelope error as an Atlaskit section message, with its code for support.
 */
import React from 'react';
import { SectionMessage, Text } from '@forge/react';
import type { AppError } from '../contract';

export function ErrorBanner({ error }: { error: AppError }) {
  const title =
    error.code === 'FORBIDDEN'
      ? 'Access denied'
      : error.code === 'SITE_ADMIN_REQUIRED'
        ? 'Site admin required'
        : 'Something went wrong';
  return (
    <SectionMessage appearance="error" title={title}>
      <Text>{error.message}</Text>
    </SectionMessage>
  );
}
