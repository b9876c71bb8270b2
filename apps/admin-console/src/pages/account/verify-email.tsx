import { Anchor, Button, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, call } from '../../api/client.js';
import { safeNext } from '../../auth/next.js';
import { useSession } from '../../auth/session.js';
import { CenteredCard } from '../../components/centered.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';

/**
 * The emailed link: redeemed once on load. A sign-up link answers with a session (`signedIn`),
 * and the person lands at home, or at the link's `next` (the invitation they signed up from); a
 * verification link only marks the address verified.
 */
export function VerifyEmailPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const session = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(
    token ? null : new ApiError(400, { detail: t('verify.noToken'), code: 'email_link_invalid' }),
  );
  const [verified, setVerified] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    // Once, even under StrictMode's double effects: the link is single-use.
    if (started.current || !token) return;
    started.current = true;
    call(() => api.POST('/api/v1/auth/verify-email', { body: { token } }))
      .then(async (answer) => {
        if (answer.signedIn) {
          session.signIn(answer.signedIn);
          await navigate(safeNext(params.get('next')), { replace: true });
        } else setVerified(answer.email);
      })
      .catch(setError);
  });

  const expired = error instanceof ApiError && error.code === 'email_link_expired';
  return (
    <CenteredCard title={t('verify.title')}>
      {error !== null && (
        <>
          <ProblemAlert
            error={error}
            title={expired ? t('verify.expiredTitle') : t('verify.invalidTitle')}
          />
          <Text size="sm">{expired ? t('verify.expiredHelp') : t('verify.invalidHelp')}</Text>
          <Stack gap="xs">
            <Button component={Link} to="/sign-up" variant="default">
              {t('verify.signUpAgain')}
            </Button>
            <Anchor component={Link} to="/sign-in" size="sm">
              {t('account.backToSignIn')}
            </Anchor>
          </Stack>
        </>
      )}
      {verified !== null && (
        <>
          <Text role="status">{t('verify.done', { email: verified })}</Text>
          <Button component={Link} to="/">
            {t('verify.continue')}
          </Button>
        </>
      )}
      {error === null && verified === null && (
        <Stack align="center">
          <Loader aria-label={t('verify.checking')} />
          <Text>{t('verify.checking')}</Text>
        </Stack>
      )}
    </CenteredCard>
  );
}
