import { Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client.js';
import { CenteredCard } from '../../components/centered.js';
import { OutboxHint } from '../../components/outbox-hint.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';

/** Asks for a reset link; the answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<{ delivery: 'email' | 'outbox' } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await call(() => api.POST('/api/v1/auth/password-reset', { body: { email } }));
      setSent({ delivery: answer.delivery });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <CenteredCard title={t('forgot.title')}>
      {sent ? (
        <>
          <Text role="status">{t('forgot.sent', { email })}</Text>
          <OutboxHint delivery={sent.delivery} />
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)} aria-label={t('forgot.title')}>
          <Stack gap="sm">
            <Text size="sm">{t('forgot.help')}</Text>
            <ProblemAlert error={error} />
            <TextInput
              label={t('forgot.email')}
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy}>
              {t('forgot.submit')}
            </Button>
          </Stack>
        </form>
      )}
      <Anchor component={Link} to="/sign-in" size="sm">
        {t('account.backToSignIn')}
      </Anchor>
    </CenteredCard>
  );
}
