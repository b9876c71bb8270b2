import { Button, Group, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { formatDateTime, Section, signInMethodName } from '../../components/section.js';

/**
 * Connected sign-in methods: remove one (never the last: the server refuses it with
 * last_sign_in_method, and the button says why first), connect Google or Microsoft when the
 * server offers them (the browser goes to the provider and comes back to /profile?linked=…).
 */
export function IdentitiesSection() {
  const queries = useQueryClient();
  const identities = useQuery({
    queryKey: ['identities'],
    queryFn: () => call(() => api.GET('/api/v1/me/identities')),
  });
  const providers = useQuery({
    queryKey: ['providers', null],
    queryFn: () => call(() => api.GET('/api/v1/auth/providers', { params: { query: {} } })),
  });
  const remove = useMutation({
    mutationFn: (identityId: string) =>
      call(() =>
        api.DELETE('/api/v1/me/identities/{identityId}', { params: { path: { identityId } } }),
      ),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['identities'] });
      await queries.invalidateQueries({ queryKey: ['me'] });
    },
  });
  const connect = useMutation({
    mutationFn: (provider: 'google' | 'microsoft') =>
      call(() => api.POST('/api/v1/me/identities', { body: { provider, returnTo: '/profile' } })),
    onSuccess: (answer) => window.location.assign(answer.redirectUrl),
  });

  const rows = identities.data?.data ?? [];
  const last = rows.length <= 1;
  const offered = (providers.data?.providers ?? []).filter(
    (p): p is typeof p & { kind: 'google' | 'microsoft' } =>
      p.kind === 'google' || p.kind === 'microsoft',
  );
  return (
    <Section title={t('identities.title')}>
      <ProblemAlert error={identities.error ?? remove.error ?? connect.error} />
      <Table.ScrollContainer minWidth={480}>
        <Table aria-label={t('identities.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('identities.method')}</Table.Th>
              <Table.Th>{t('identities.account')}</Table.Th>
              <Table.Th>{t('identities.lastUsed')}</Table.Th>
              <Table.Th>{t('identities.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((identity) => (
              <Table.Tr key={identity.id}>
                <Table.Td>{signInMethodName(identity.provider)}</Table.Td>
                <Table.Td>{identity.email ?? identity.username ?? '—'}</Table.Td>
                <Table.Td>
                  {identity.lastUsedAt
                    ? formatDateTime(identity.lastUsedAt)
                    : t('identities.never')}
                </Table.Td>
                <Table.Td>
                  <Stack gap={2}>
                    <Group>
                      <Button
                        size="xs"
                        variant="default"
                        disabled={last}
                        aria-describedby={last ? `last-${identity.id}` : undefined}
                        aria-label={t('identities.removeOne', {
                          method: signInMethodName(identity.provider),
                        })}
                        loading={remove.isPending && remove.variables === identity.id}
                        onClick={() => remove.mutate(identity.id)}
                      >
                        {t('identities.remove')}
                      </Button>
                    </Group>
                    {last && (
                      <Text size="xs" c="gray.7" id={`last-${identity.id}`}>
                        {t('identities.lastReason')}
                      </Text>
                    )}
                  </Stack>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {offered.length > 0 && (
        <Group>
          {offered.map((p) => (
            <Button
              key={p.id}
              variant="default"
              loading={connect.isPending && connect.variables === p.kind}
              onClick={() => connect.mutate(p.kind)}
            >
              {t('identities.connect', { name: p.name })}
            </Button>
          ))}
        </Group>
      )}
    </Section>
  );
}
