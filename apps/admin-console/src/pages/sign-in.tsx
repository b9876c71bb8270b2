import { Anchor, Button, Divider, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, call } from '../api/client.js';
import { safeNext } from '../auth/next.js';
import { useSession } from '../auth/session.js';
import { CenteredCard } from '../components/centered.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { TotpForm } from '../components/totp-form.js';
import { t } from '../i18n/i18n.js';

/** The sign-in choices the server offers (for an invitation: only those it allows). */
export function SignInChoices({ invitation, next }: { invitation?: string; next: string }) {
  const providers = useQuery({
    queryKey: ['providers', invitation ?? null],
    queryFn: () =>
      call(() =>
        api.GET('/api/v1/auth/providers', {
          params: { query: invitation ? { invitation } : {} },
        }),
      ),
  });
  const sso = (providers.data?.providers ?? []).filter((p) => p.startUrl !== null);
  const password = (providers.data?.providers ?? []).some((p) => p.kind === 'password');
  const returnTo = `/sso-return?next=${encodeURIComponent(next)}`;
  return (
    <Stack gap="sm">
      <ProblemAlert error={providers.error} />
      {sso.map((p) => (
        <Button
          key={p.id}
          component="a"
          variant="default"
          href={`${p.startUrl}${p.startUrl?.includes('?') ? '&' : '?'}returnTo=${encodeURIComponent(returnTo)}`}
        >
          {t('signIn.with', { name: p.name })}
        </Button>
      ))}
      {sso.length > 0 && password && <Divider label={t('signIn.or')} labelPosition="center" />}
      {password && <PasswordForm next={next} />}
    </Stack>
  );
}

function PasswordForm({ next }: { next: string }) {
  const session = useSession();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [needsTotp, setNeedsTotp] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event?: FormEvent, totp?: string) {
    event?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const pair = await call(() =>
        api.POST('/api/v1/auth/login', {
          body: { email, password, ...(totp ? { totp } : {}) },
        }),
      );
      session.signIn(pair);
      await navigate(next);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'mfa_required') setNeedsTotp(true);
      else setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (needsTotp)
    return (
      <Stack gap="sm">
        <ProblemAlert error={error} />
        <TotpForm busy={busy} onCode={(code) => void submit(undefined, code)} />
      </Stack>
    );
  return (
    <form onSubmit={(e) => void submit(e)} aria-label={t('signIn.title')}>
      <Stack gap="sm">
        <ProblemAlert error={error} />
        <TextInput
          label={t('signIn.email')}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
        />
        <PasswordInput
          label={t('signIn.password')}
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        <Button type="submit" loading={busy}>
          {t('signIn.submit')}
        </Button>
      </Stack>
    </form>
  );
}

export function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  return (
    <CenteredCard title={t('signIn.title')}>
      <SignInChoices next={next} />
      <Text size="sm">
        <Anchor component={Link} to="/forgot-password">
          {t('signIn.forgot')}
        </Anchor>
      </Text>
      <Text size="sm">
        {t('signIn.noAccount')}{' '}
        <Anchor component={Link} to="/sign-up">
          {t('signIn.signUp')}
        </Anchor>
      </Text>
    </CenteredCard>
  );
}
