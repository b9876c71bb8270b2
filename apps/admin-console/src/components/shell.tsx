import { AppShell, Button, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { useSession } from '../auth/session.js';
import { t } from '../i18n/i18n.js';
import { useMe, UserAvatar } from './user-avatar.js';

/** The signed-in frame: the header (home, profile with the person's avatar, sign-out), an optional side nav, the page. */
export function Shell({ children, nav }: { children: ReactNode; nav?: ReactNode }) {
  const session = useSession();
  const navigate = useNavigate();
  const me = useMe();
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={nav ? { width: 220, breakpoint: 'sm' } : undefined}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Text component={Link} to="/" fw={700}>
            {t('app.name')}
          </Text>
          <Group gap="xs">
            <Button
              variant="subtle"
              component={Link}
              to="/profile"
              leftSection={me.data && <UserAvatar profile={me.data} alt="" size={28} aria-hidden />}
            >
              {t('nav.profile')}
            </Button>
            <Button
              variant="subtle"
              onClick={() => void session.signOut().then(() => navigate('/sign-in'))}
            >
              {t('nav.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      {nav && <AppShell.Navbar p="md">{nav}</AppShell.Navbar>}
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
