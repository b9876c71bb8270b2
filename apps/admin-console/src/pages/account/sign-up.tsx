import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client.js';
import { CenteredCard } from '../../components/centered.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { passwordProblem, readableDescription } from './password-problem.js';

/**
 * Sign-up: the server answers 202 for a new address and a taken one alike, so the page always
 * says "check your email"; the account exists once the emailed link is opened (/verify-email).
 */
export function SignUpPage() {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call(() => api.POST('/api/v1/auth/signup', { body: { email, displayName, password } }));
      setSentTo(email);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (sentTo !== null)
    return (
      <CenteredCard title={t('signUp.sentTitle')}>
        <Text role="status">{t('signUp.sent', { email: sentTo })}</Text>
        <Text size="sm" c="gray.7">
          {t('signUp.sentHelp')}
        </Text>
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
        <Anchor component={Link} to="/sign-in">
          {t('signUp.signIn')}
        </Anchor>
      </Text>
    </CenteredCard>
  );
}
