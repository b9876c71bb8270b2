import { Container, Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** The narrow card the sign-in, sign-up and invitation pages share. */
export function CenteredCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Container size={440} py={64} component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md">
        <Stack gap="md">
          <Title order={1} size="h2">
            {title}
          </Title>
          {children}
        </Stack>
      </Paper>
    </Container>
  );
}
