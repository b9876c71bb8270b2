import { Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client.js';
import type { components } from '../../api/schema.js';
import { LoadMore } from '../../components/load-more.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { formatDateTime, Section, signInMethodName } from '../../components/section.js';
import type { MessageKey } from '../../i18n/en.js';
import { t } from '../../i18n/i18n.js';

type AuditEvent = components['schemas']['AuditEventDto'];

/** The events this page names in words; others show their type. */
const NAMED = new Set([
  'auth.login.succeeded',
  'auth.login.failed',
  'session.revoked',
  'password.changed',
  'password.reset',
  'mfa.enabled',
  'mfa.disabled',
  'identity.linked',
  'identity.unlinked',
  'email.verified',
  'account.created',
  'account.updated',
]);

const METHODS = ['password', 'google', 'microsoft', 'oidc'] as const;

function what(event: AuditEvent): string {
  const after = (event.changes?.after ?? {}) as Record<string, unknown>;
  const label = NAMED.has(event.type) ? t(`history.type.${event.type}` as MessageKey) : event.type;
  const method = METHODS.find((m) => m === after.method);
  const reason = typeof after.reason === 'string' ? after.reason : null;
  return [label, method && signInMethodName(method), reason].filter(Boolean).join(' · ');
}

/** Doc 004's login history and security events: the person's own trail, newest first. */
export function HistorySection() {
  const events = useInfiniteQuery({
    queryKey: ['me', 'security-events'],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      call(() =>
        api.GET('/api/v1/me/security-events', {
          params: {
            query: { limit: 20, order: 'newest', ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor,
  });
  const rows = events.data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <Section title={t('history.title')}>
      <Text size="sm" c="gray.7">
        {t('history.help')}
      </Text>
      <ProblemAlert error={events.error} />
      <Table.ScrollContainer minWidth={560}>
        <Table aria-label={t('history.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('history.when')}</Table.Th>
              <Table.Th>{t('history.event')}</Table.Th>
              <Table.Th>{t('history.ip')}</Table.Th>
              <Table.Th>{t('history.device')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>{formatDateTime(e.at)}</Table.Td>
                <Table.Td>{what(e)}</Table.Td>
                <Table.Td>{e.ip ?? '—'}</Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={1} title={e.userAgent ?? undefined}>
                    {e.userAgent ?? '—'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LoadMore query={events} label={t('history.more')} />
    </Section>
  );
}
