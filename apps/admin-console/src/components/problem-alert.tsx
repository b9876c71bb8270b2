import { Alert } from '@mantine/core';
import { ApiError } from '../api/client.js';
import { t } from '../i18n/i18n.js';

/** Any error as the person should read it: the server's own message, in place. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return t('error.network');
  return t('error.unexpected');
}

/** Refusals for the caller's role: doc 002's "Admin access required", with what to do. */
const ROLE_REFUSALS = new Set(['permission_denied', 'admin_required']);

export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const byRole = error instanceof ApiError && ROLE_REFUSALS.has(error.code ?? '');
  return (
    <Alert
      color="red"
      variant="light"
      title={title ?? (byRole ? t('error.roleTitle') : undefined)}
      role="alert"
    >
      {messageOf(error)}
      {byRole && (
        <>
          <br />
          {t('error.roleHelp')}
        </>
      )}
    </Alert>
  );
}
