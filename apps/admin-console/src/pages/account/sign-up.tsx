import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, call } from '../../api/client.js';
import { safeNext } from '../../auth/next.js';
import { CenteredCard } from '../../components/centered.js';
import { OutboxHint } from '../../components/outbox-hint.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { passwordProblem, readableDescription } from './password-problem.js';

/**
 * Sign-up: the server answers 202 for a new address and a taken one alike, so the page always
 * says "check your email"; the account exists once the emailed link is opened (/verify-email).
 * `?next=` (the invitation the person came from, say) rides along in the link.
 */
export function SignUpPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<{ to: string; delivery: 'email' | 'outbox' } | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { email, displayName, password, ...(next === '/' ? {} : { next }) };
      const answer = await call(() => api.POST('/api/v1/auth/signup', { body }));
      setSent({ to: email, delivery: answer.delivery });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (sent !== null)
    return (
      <CenteredCard title={t('signUp.sentTitle')}>
        <Text role="status">{t('signUp.sent', { email: sent.to })}</Text>
        <Text size="sm" c="gray.7">
          {t('signUp.sentHelp')}
        </Text>
        <OutboxHint delivery={sent.delivery} />
        <Anchor component={Link} to="/sign-in" size="sm">
          {t('account.backToSignIn')}
        </Anchor>
      </CenteredCard>
    );

  const weak = passwordProblem(error);
  return (
    <CenteredCard title={t('signUp.title')}>
      <form onSubmit={(e) => void submit(e)} aria-label={t('signUp.title')}>
        <Stack gap="sm">
          {!weak && <ProblemAlert error={error} />}
          <TextInput
            label={t('signUp.email')}
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <TextInput
            label={t('signUp.displayName')}
            autoComplete="name"
            required
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
          />
          <PasswordInput
            label={t('signUp.password')}
            description={t('account.passwordHelp')}
            styles={readableDescription}
            autoComplete="new-password"
            required
            value={password}
            error={weak}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <Button type="submit" loading={busy}>
            {t('signUp.submit')}
          </Button>
        </Stack>
      </form>
      <Text size="sm">
        {t('signUp.haveAccount')}{' '}
        <Anchor
          component={Link}
          to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`}
        >
          {t('signUp.signIn')}
        </Anchor>
      </Text>
    </CenteredCard>
  );
}
