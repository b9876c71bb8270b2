import { Button, Group, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, call } from '../../api/client.js';
import { useSession } from '../../auth/session.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { formatDateTime, Section, signInMethodName } from '../../components/section.js';

/** Signed-in sessions: revoke one, or sign out everywhere (every other session, then this one). */
export function SessionsSection() {
  const queries = useQueryClient();
  const session = useSession();
  const navigate = useNavigate();
  const sessions = useQuery({
    queryKey: ['sessions'],
    queryFn: () => call(() => api.GET('/api/v1/me/sessions')),
  });
  const revoke = useMutation({
    mutationFn: (sessionId: string) =>
      call(() =>
        api.DELETE('/api/v1/me/sessions/{sessionId}', { params: { path: { sessionId } } }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['sessions'] }),
  });
  const everywhere = useMutation({
    mutationFn: async () => {
      const all = await call(() => api.GET('/api/v1/me/sessions'));
      for (const other of all.data.filter((s) => !s.current))
        await call(() =>
          api.DELETE('/api/v1/me/sessions/{sessionId}', {
            params: { path: { sessionId: other.id } },
          }),
        );
      await session.signOut();
    },
    onSuccess: async () => {
      queries.clear();
      await navigate('/sign-in', { replace: true });
    },
  });
  const rows = sessions.data?.data ?? [];
  return (
    <Section title={t('sessions.title')}>
      <ProblemAlert error={sessions.error ?? revoke.error ?? everywhere.error} />
      <Table.ScrollContainer minWidth={560}>
        <Table aria-label={t('sessions.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('sessions.device')}</Table.Th>
              <Table.Th>{t('sessions.method')}</Table.Th>
              <Table.Th>{t('sessions.ip')}</Table.Th>
              <Table.Th>{t('sessions.lastSeen')}</Table.Th>
              <Table.Th>{t('sessions.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>
                  <Text size="sm" lineClamp={2} title={s.userAgent ?? undefined}>
                    {s.userAgent ?? t('sessions.unknownDevice')}
                  </Text>
                  <Text size="xs" c="gray.7">
                    {t('sessions.signedIn', { when: formatDateTime(s.createdAt) })}
                  </Text>
                </Table.Td>
                <Table.Td>{signInMethodName(s.signInMethod)}</Table.Td>
                <Table.Td>{s.ip ?? '—'}</Table.Td>
                <Table.Td>{formatDateTime(s.lastSeenAt)}</Table.Td>
                <Table.Td>
                  {s.current ? (
                    <Text size="sm" fw={600}>
                      {t('sessions.current')}
                    </Text>
                  ) : (
                    <Button
                      size="xs"
                      variant="default"
                      aria-label={t('sessions.revokeOne', {
                        device: s.userAgent ?? t('sessions.unknownDevice'),
                        when: formatDateTime(s.createdAt),
                      })}
                      loading={revoke.isPending && revoke.variables === s.id}
                      onClick={() => revoke.mutate(s.id)}
                    >
                      {t('sessions.revoke')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="sm">{t('sessions.everywhereHelp')}</Text>
      <Group>
        <Button
          color="red"
          variant="light"
          loading={everywhere.isPending}
          onClick={() => everywhere.mutate()}
        >
          {t('sessions.everywhere')}
        </Button>
      </Group>
    </Section>
  );
}
