import { Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { t } from '../i18n/i18n.js';

/** One titled part of the profile page, a landmark named by its title. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-label={title}>
      <Stack gap="sm">
        <Title order={2} size="h3">
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

/** A date and time in the reader's locale. */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** How a session or identity signed in, as people read it. */
export function signInMethodName(method: 'password' | 'google' | 'microsoft' | 'oidc'): string {
  return t(`method.${method}`);
}
