import { Alert, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { useLimits } from './queries.js';

/** Seats used of the limit; pending invitations hold a seat too (GET /limits, Administrators). */
export function LimitsCard({ tenantId }: { tenantId: string }) {
  const limits = useLimits(tenantId, true);
  if (limits.error) return <ProblemAlert error={limits.error} />;
  if (!limits.data) return null;
  const { maxMembers, members, pendingInvitations, seatsLeft } = limits.data;
  const used = members + pendingInvitations;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="limits-title">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h4" id="limits-title">
            {t('org.limits.title')}
          </Title>
          <Text fw={600}>{t('org.limits.seats', { used, max: maxMembers })}</Text>
        </Group>
        <Progress
          value={maxMembers > 0 ? Math.min(100, (used / maxMembers) * 100) : 100}
          aria-label={t('org.limits.seats', { used, max: maxMembers })}
          color={seatsLeft === 0 ? 'red' : undefined}
        />
        <Text size="sm">
          {t('org.limits.detail', { members, pending: pendingInvitations, left: seatsLeft })}
        </Text>
        {seatsLeft === 0 && (
          <Alert color="red" variant="light">
            {t('org.limits.full')}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
