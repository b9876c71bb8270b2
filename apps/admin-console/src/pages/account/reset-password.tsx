import { Anchor, Button, PasswordInput, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, call } from '../../api/client.js';
import { CenteredCard } from '../../components/centered.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { passwordProblem, readableDescription } from './password-problem.js';

/**
 * The emailed reset link: a new password. A refused one (weak_password, password_reused) is
 * shown at the field and the link keeps working; a used or expired link says so.
 */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call(() =>
        api.POST('/api/v1/auth/password-reset/confirm', { body: { token, password } }),
      );
      // The note outlives the navigation: the notifications live above the routes.
      notifications.show({ color: 'green', message: t('reset.done') });
      await navigate('/sign-in', { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const weak = passwordProblem(error);
  return (
    <CenteredCard title={t('reset.title')}>
      {!token ? (
        <Text role="alert">{t('verify.noToken')}</Text>
      ) : (
        <form onSubmit={(e) => void submit(e)} aria-label={t('reset.title')}>
          <Stack gap="sm">
            {!weak && <ProblemAlert error={error} />}
            <PasswordInput
              label={t('reset.password')}
              description={t('account.passwordHelp')}
              styles={readableDescription}
              autoComplete="new-password"
              required
              value={password}
              error={weak}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy}>
              {t('reset.submit')}
            </Button>
          </Stack>
        </form>
      )}
      <Anchor component={Link} to="/forgot-password" size="sm">
        {t('reset.newLink')}
      </Anchor>
    </CenteredCard>
  );
}
