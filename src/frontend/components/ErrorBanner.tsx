/**
 * Shows an envelope error as an Atlaskit section message titled by what went wrong (a typo in a form is not
 * "something went wrong"), with the service's message saying what to do next.
 */
import React from 'react';
import { SectionMessage, Text } from '@forge/react';
import type { AppError, ErrorCode } from '../../contract';

const TITLES: Record<ErrorCode, string> = {
  FORBIDDEN: 'Access denied',
  SITE_ADMIN_REQUIRED: 'Site admin required',
  CONFIRMATION_REQUIRED: 'Please confirm',
  INVALID_INPUT: 'Check what you entered',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflicting change',
  RATE_LIMITED: 'Jira is busy: try again in a minute',
  JIRA_ERROR: 'Jira could not do this',
  INTERNAL: 'Something went wrong',
};

export function ErrorBanner({ error }: { error: AppError }) {
  const invalid = error.code === 'INVALID_INPUT' || error.code === 'CONFIRMATION_REQUIRED';
  return (
    <SectionMessage appearance={invalid ? 'warning' : 'error'} title={TITLES[error.code] ?? 'Something went wrong'}>
      <Text>{error.message}</Text>
    </SectionMessage>
  );
}
