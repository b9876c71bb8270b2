import { Stack, Switch, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client.js';
import type { components } from '../../api/schema.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { Section } from '../../components/section.js';
import { t } from '../../i18n/i18n.js';
import { readableDescription } from './password-problem.js';

type Profile = components['schemas']['ProfileDto'];
type Prefs = components['schemas']['NotificationPrefsResponseDto'];

/** Which emails the person wants: each switch saves itself (the server merges the one it names). */
export function NotificationsSection({ profile }: { profile: Profile }) {
  const queries = useQueryClient();
  const save = useMutation({
    mutationFn: (change: Partial<Prefs>) =>
      call(() => api.PATCH('/api/v1/me', { body: { notificationPrefs: change } })),
    onSuccess: (next) => queries.setQueryData(['me'], next),
  });
  const prefs = profile.notificationPrefs;
  const pending = save.isPending ? save.variables : undefined;
  const toggle = (key: keyof Prefs, label: string, help: string) => (
    <Switch
      label={label}
      description={help}
      styles={readableDescription}
      // The new state while it is saved, the stored one otherwise (and after a refusal).
      checked={pending?.[key] ?? prefs[key]}
      onChange={(e) => save.mutate({ [key]: e.currentTarget.checked })}
    />
  );
  return (
    <Section title={t('notifications.title')}>
      <Stack gap="sm">
        {toggle(
          'securityAlerts',
          t('notifications.securityAlerts'),
          t('notifications.securityAlertsHelp'),
        )}
        {toggle(
          'productUpdates',
          t('notifications.productUpdates'),
          t('notifications.productUpdatesHelp'),
        )}
        <ProblemAlert error={save.error} />
        {save.isSuccess && (
          <Text role="status" size="sm">
            {t('profile.saved')}
          </Text>
        )}
      </Stack>
    </Section>
  );
}
