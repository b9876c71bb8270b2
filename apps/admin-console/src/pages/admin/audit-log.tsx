import {
  Box,
  Button,
  Code,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client.js';
import type { components } from '../../api/schema.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { formatDateTime } from '../../components/section.js';
import { t } from '../../i18n/i18n.js';
import { OrgPage } from '../organization/org-frame.js';

type AuditEvent = components['schemas']['AuditEventDto'];
interface Filters {
  type: string;
  actorId: string;
  targetId: string;
  since: string;
  until: string;
}
const NO_FILTERS: Filters = { type: '', actorId: '', targetId: '', since: '', until: '' };

/** A change as before → after, one line per field that changed. */
function ChangeDiff({ changes }: { changes: AuditEvent['changes'] }) {
  if (!changes) return null;
  const keys = [
    ...new Set([...Object.keys(changes.before ?? {}), ...Object.keys(changes.after ?? {})]),
  ];
  return (
    <Stack gap={2}>
      {keys.map((key) => (
        <Text key={key} size="xs">
          <Code>{key}</Code>{' '}
          {changes.before && key in changes.before && (
            <span aria-label={t('audit.before')}>
              <del>{JSON.stringify(changes.before[key])}</del>{' '}
            </span>
          )}
          {changes.after && key in changes.after && (
            <ins aria-label={t('audit.after')}>{JSON.stringify(changes.after[key])}</ins>
          )}
        </Text>
      ))}
    </Stack>
  );
}

/** The organization's audit trail: filters, permission changes as a diff, export. */
export function AuditLogPage() {
  return <OrgPage>{(org) => <AuditLog tenantId={org.tenantId} />}</OrgPage>;
}

function AuditLog({ tenantId }: { tenantId: string }) {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const events = useInfiniteQuery({
    queryKey: ['audit', tenantId, filters],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      call(() =>
        api.GET('/api/v1/tenants/{tenantId}/audit-events', {
          params: {
            path: { tenantId },
            query: {
              ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== '')),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor,
  });
  const rows = events.data?.pages.flatMap((p) => p.data) ?? [];
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };
  const exportJson = () => {
    const blob = new Blob([JSON.stringify(rows, null, 2)], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `audit-${tenantId}.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  const field = (name: keyof Filters, label: string) => (
    <TextInput
      label={label}
      value={draft[name]}
      onChange={(e) => setDraft({ ...draft, [name]: e.currentTarget.value.trim() })}
    />
  );
  return (
    <>
      {
        <Stack gap="md">
          <Title order={1}>{t('audit.title')}</Title>
          <form onSubmit={apply} aria-label={t('audit.apply')}>
            <SimpleGrid cols={{ base: 1, sm: 3, lg: 5 }}>
              {field('type', t('audit.filter.type'))}
              {field('actorId', t('audit.filter.actor'))}
              {field('targetId', t('audit.filter.target'))}
              {field('since', t('audit.filter.since'))}
              {field('until', t('audit.filter.until'))}
            </SimpleGrid>
            <Group mt="sm">
              <Button type="submit">{t('audit.apply')}</Button>
              <Button variant="default" onClick={exportJson} disabled={rows.length === 0}>
                {t('audit.export')}
              </Button>
            </Group>
          </form>
          <ProblemAlert error={events.error} />
          {events.isSuccess && rows.length === 0 && <Text>{t('audit.empty')}</Text>}
          {rows.length > 0 && (
            <Box
              style={{ overflowX: 'auto' }}
              tabIndex={0}
              role="region"
              aria-label={t('audit.title')}
            >
              <Table striped withTableBorder>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('audit.col.at')}</Table.Th>
                    <Table.Th>{t('audit.col.type')}</Table.Th>
                    <Table.Th>{t('audit.col.actor')}</Table.Th>
                    <Table.Th>{t('audit.col.target')}</Table.Th>
                    <Table.Th>{t('audit.col.changes')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((e) => (
                    <Table.Tr key={e.id}>
                      <Table.Td>{formatDateTime(e.at)}</Table.Td>
                      <Table.Td>
                        <Code>{e.type}</Code>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs">
                          {e.actor.type}:{e.actor.id}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs">
                          {e.target.type}:{e.target.id}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <ChangeDiff changes={e.changes} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Box>
          )}
          {events.hasNextPage && (
            <Button
              variant="default"
              loading={events.isFetchingNextPage}
              onClick={() => void events.fetchNextPage()}
            >
              {t('audit.more')}
            </Button>
          )}
        </Stack>
      }
    </>
  );
}
