import {
  Box,
  Button,
  Code,
  Group,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call, download } from '../../api/client.js';
import type { components } from '../../api/schema.js';
import { LoadMore } from '../../components/load-more.js';
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

/**
 * The views preset the type filter. Security events are the ones an organization's trail holds:
 * refused requests and invitations, SCIM authentication failures, changes to keys, tokens, SSO
 * connections, access rules, roles and member roles. Sign-ins are written in each person's own
 * trail (GET /me/security-events), so this organization's holds those only if it records them.
 */
const VIEWS = {
  all: '',
  signIns: 'auth.login.*,auth.sso.failed',
  security:
    'access.denied,invitation.refused,scim.auth.*,apikey.*,scimtoken.*,sso_connection.*,access_rule.*,role.*,member.role_changed',
} as const;
type View = keyof typeof VIEWS;
const viewOf = (type: string): View | 'custom' =>
  (Object.keys(VIEWS) as View[]).find((v) => VIEWS[v] === type) ?? 'custom';

/** Who tried to sign in, how, from where, and what happened, read from a sign-in event. */
function signInOf(e: AuditEvent) {
  const after = e.changes?.after ?? {};
  const text = (key: string) => (typeof after[key] === 'string' ? after[key] : null);
  const succeeded = e.type === 'auth.login.succeeded';
  return {
    who: text('email') ?? (e.target.type === 'account' ? e.target.id : e.actor.id),
    method: text('method') ?? '',
    result: succeeded
      ? t('audit.signIns.succeeded')
      : t('audit.signIns.refused', { reason: text('reason') ?? e.type }),
  };
}

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

function filterQuery(filters: Filters): Partial<Filters> {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== ''));
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
              ...filterQuery(filters),
              // Newest first, as audit logs read; "Load more" goes back in time.
              order: 'newest',
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
  const view = viewOf(filters.type);
  const choose = (next: string) => {
    const type = VIEWS[next as View];
    setDraft({ ...draft, type });
    setFilters({ ...filters, type });
  };
  const exporting = useMutation({
    mutationFn: () =>
      download(
        () =>
          api.GET('/api/v1/tenants/{tenantId}/audit-events/export', {
            params: { path: { tenantId }, query: filterQuery(filters) },
            parseAs: 'blob',
          }),
        `audit-${tenantId}.csv`,
      ),
  });
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
          <SegmentedControl
            aria-label={t('audit.views')}
            value={view === 'custom' ? 'all' : view}
            onChange={choose}
            data={[
              { value: 'all', label: t('audit.view.all') },
              { value: 'signIns', label: t('audit.view.signIns') },
              { value: 'security', label: t('audit.view.security') },
            ]}
            style={{ alignSelf: 'flex-start' }}
          />
          {view === 'signIns' && <Text size="sm">{t('audit.signIns.note')}</Text>}
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
              <Button
                variant="default"
                onClick={() => exporting.mutate()}
                loading={exporting.isPending}
                disabled={rows.length === 0}
              >
                {t('audit.export')}
              </Button>
            </Group>
          </form>
          <ProblemAlert error={events.error ?? exporting.error} />
          {events.isSuccess && rows.length === 0 && <Text>{t('audit.empty')}</Text>}
          {rows.length > 0 && view === 'signIns' && <SignInTable rows={rows} />}
          {rows.length > 0 && view !== 'signIns' && (
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
          <LoadMore query={events} label={t('audit.more')} />
        </Stack>
      }
    </>
  );
}

/** The login history: who, method, IP, user agent and result, one row per attempt. */
function SignInTable({ rows }: { rows: AuditEvent[] }) {
  return (
    <Box
      style={{ overflowX: 'auto' }}
      tabIndex={0}
      role="region"
      aria-label={t('audit.view.signIns')}
    >
      <Table striped withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('audit.col.at')}</Table.Th>
            <Table.Th>{t('audit.signIns.who')}</Table.Th>
            <Table.Th>{t('audit.signIns.method')}</Table.Th>
            <Table.Th>{t('audit.signIns.ip')}</Table.Th>
            <Table.Th>{t('audit.signIns.userAgent')}</Table.Th>
            <Table.Th>{t('audit.signIns.result')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((e) => {
            const signIn = signInOf(e);
            return (
              <Table.Tr key={e.id}>
                <Table.Td>{formatDateTime(e.at)}</Table.Td>
                <Table.Td>
                  <Text size="xs">{signIn.who}</Text>
                </Table.Td>
                <Table.Td>{signIn.method}</Table.Td>
                <Table.Td>{e.ip ?? ''}</Table.Td>
                <Table.Td>
                  <Text size="xs">{e.userAgent ?? ''}</Text>
                </Table.Td>
                <Table.Td>{signIn.result}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Box>
  );
}
