import { AppShell, Button, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { useSession } from '../auth/session.js';
import { t } from '../i18n/i18n.js';

/** The signed-in frame: the header with the way home and sign-out; pages go in main. */
export function Shell({ children, nav }: { children: ReactNode; nav?: ReactNode }) {
  const session = useSession();
  const navigate = useNavigate();
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="lg">
            <Text component={Link} to="/" fw={700}>
              {t('app.name')}
            </Text>
            {nav}
          </Group>
          <Button
            variant="subtle"
            onClick={() => void session.signOut().then(() => navigate('/sign-in'))}
          >
            {t('nav.signOut')}
          </Button>
        </Group>
      </AppShell.Header>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
