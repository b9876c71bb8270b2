import { Alert } from '@mantine/core';
import { ApiError } from '../api/client.js';
import { t } from '../i18n/i18n.js';

/** Any error as the person should read it: the server's own message, in place. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return t('error.network');
  return t('error.unexpected');
}

export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" title={title} role="alert">
      {messageOf(error)}
    </Alert>
  );
}
