import {
  Alert,
  Anchor,
  Badge,
  Button,
  Container,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { formatDateTime } from '../../components/section.js';
import type { MessageKey } from '../../i18n/en.js';
import { t } from '../../i18n/i18n.js';

/** The console pages an email links to: shown as links to this origin, whatever PUBLIC_URL says. */
const LINKED_PATHS = ['/verify-email', '/reset-password', '/invite/', '/forgot-password'];

/**
 * An email's text with its links to console pages made clickable on this origin; anything else
 * (a name someone typed that looks like a URL, say) stays text.
 */
function MailText({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/);
  return (
    <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
      {parts.map((part, i) => {
        if (i % 2 === 0) return <Fragment key={i}>{part}</Fragment>;
        let url: URL;
        try {
          url = new URL(part);
        } catch {
          return <Fragment key={i}>{part}</Fragment>;
        }
        if (!LINKED_PATHS.some((p) => url.pathname.startsWith(p)))
          return <Fragment key={i}>{part}</Fragment>;
        return (
          <Anchor key={i} component={Link} to={`${url.pathname}${url.search}`}>
            {part}
          </Anchor>
        );
      })}
    </Text>
  );
}

const statusKey = (status: string) => `outbox.status.${status}` as MessageKey;

/**
 * The operator's view of the mail outbox (GET /api/v1/outbox): without SMTP_URL, the only place
 * a sign-up, invitation or reset email can be read. The operator key is held in this
 * component's state only: a reload forgets it.
 */
export function OutboxPage() {
  const [draft, setDraft] = useState('');
  const [key, setKey] = useState<string | null>(null);
  const mail = useQuery({
    queryKey: ['outbox', key],
    enabled: key !== null,
    retry: false,
    queryFn: () =>
      call(() =>
        api.GET('/api/v1/outbox', {
          params: { query: { limit: 50 } },
          headers: { authorization: `Bearer ${key ?? ''}` },
        }),
      ),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setKey(draft.trim());
  }

  const messages = mail.data?.data ?? [];
  const local = messages.length === 0 || messages.some((m) => m.status === 'local');
  return (
    <Container size="md" py="xl" component="main">
      <Stack gap="md">
        <Title order={1} size="h2">
          {t('outbox.title')}
        </Title>
        <Text>{t('outbox.intro')}</Text>
        {key === null || mail.isError ? (
          <form onSubmit={submit} aria-label={t('outbox.title')}>
            <Stack gap="sm" maw={520}>
              <ProblemAlert error={mail.error} />
              <PasswordInput
                label={t('outbox.key')}
                description={t('outbox.keyHelp')}
                autoComplete="off"
                required
                value={draft}
                onChange={(e) => setDraft(e.currentTarget.value)}
              />
              <Group>
                <Button type="submit" loading={mail.isFetching}>
                  {t('outbox.open')}
                </Button>
              </Group>
            </Stack>
          </form>
        ) : (
          <>
            <Group>
              <Button
                variant="default"
                onClick={() => void mail.refetch()}
                loading={mail.isFetching}
              >
                {t('outbox.refresh')}
              </Button>
              <Button
                variant="subtle"
                onClick={() => {
                  setKey(null);
                  setDraft('');
                }}
              >
                {t('outbox.forget')}
              </Button>
            </Group>
            {!local && (
              <Alert color="blue" variant="light">
                {t('outbox.smtpConfigured')}
              </Alert>
            )}
            {mail.isSuccess && messages.length === 0 && <Text>{t('outbox.empty')}</Text>}
            <Stack gap="sm" component="ul" aria-label={t('outbox.list')} p={0} m={0}>
              {messages.map((m) => (
                <Paper key={m.id} withBorder p="md" component="li" style={{ listStyle: 'none' }}>
                  <Stack gap={4}>
                    <Group justify="space-between" wrap="nowrap" align="flex-start">
                      <Title order={2} size="h4">
                        {m.subject}
                      </Title>
                      <Badge variant="light" color={m.status === 'failed' ? 'red' : 'gray'}>
                        {t(statusKey(m.status))}
                      </Badge>
                    </Group>
                    <Text size="sm" c="gray.7">
                      {t('outbox.to', { to: m.to })} · {formatDateTime(m.createdAt)}
                    </Text>
                    <MailText text={m.text} />
                  </Stack>
                </Paper>
              ))}
            </Stack>
          </>
        )}
      </Stack>
    </Container>
  );
}
