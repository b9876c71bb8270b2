import { Button, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, call } from '../api/client.js';
import { safeNext } from '../auth/next.js';
import { useSession } from '../auth/session.js';
import { CenteredCard } from '../components/centered.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { TotpForm } from '../components/totp-form.js';
import { t } from '../i18n/i18n.js';

/**
 * Where the SSO callback sends the browser: trades the one-time code for a session (asking for
 * the TOTP code when the account has one), or shows the provider's refusal.
 */
export function SsoReturnPage() {
  const [params] = useSearchParams();
  const code = params.get('code');
  const refusal = params.get('error_description') ?? params.get('error');
  const next = safeNext(params.get('next'));
  const session = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const [needsTotp, setNeedsTotp] = useState(false);
  const started = useRef(false);

  async function exchange(withTotp?: string) {
    if (!code) return;
    try {
      const pair = await call(() =>
        api.POST('/api/v1/auth/sso/exchange', {
          body: { code, ...(withTotp ? { totp: withTotp } : {}) },
        }),
      );
      session.signIn(pair);
      await navigate(next, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'mfa_required') setNeedsTotp(true);
      else setError(e);
    }
  }

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void exchange();
  });

  return (
    <CenteredCard title={t('signIn.title')}>
      {refusal && (
        <ProblemAlert
          error={new ApiError(401, { detail: refusal, code: params.get('error') ?? '' })}
        />
      )}
      <ProblemAlert error={error} />
      {!refusal && !error && !needsTotp && (
        <Stack align="center">
          <Loader aria-label={t('signIn.finishing')} />
          <Text>{t('signIn.finishing')}</Text>
        </Stack>
      )}
      {needsTotp && <TotpForm onCode={(code) => void exchange(code)} />}
      {(refusal !== null || error !== null) && (
        <Button variant="default" onClick={() => void navigate('/sign-in')}>
          {t('common.retry')}
        </Button>
      )}
    </CenteredCard>
  );
}
