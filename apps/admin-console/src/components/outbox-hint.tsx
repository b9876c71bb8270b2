import { Alert, Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import { t } from '../i18n/i18n.js';

/**
 * Under a "check your email" message when the server answered `delivery: "outbox"` (no
 * SMTP_URL): where that email actually is, so a newcomer's first sign-up is not a dead end.
 */
export function OutboxHint({ delivery }: { delivery: 'email' | 'outbox' | undefined }) {
  if (delivery !== 'outbox') return null;
  return (
    <Alert color="blue" variant="light" title={t('mail.outboxHintTitle')}>
      <Text size="sm">{t('mail.outboxHint')}</Text>
      <Anchor component={Link} to="/outbox" size="sm" c="blue.9" fw={600}>
        {t('mail.outboxLink')}
      </Anchor>
    </Alert>
  );
}
