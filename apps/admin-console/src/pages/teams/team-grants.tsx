import { Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, call } from '../../api/client.js';
import type { components } from '../../api/schema.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { teamKeys, type Team } from './queries.js';

type Rule = components['schemas']['PermissionRuleDto'];

/** The rules granted through the team (GET/PUT /teams/{id}/permissions); saving needs update Role. */
export function TeamGrants({
  tenantId,
  team,
  canEdit,
}: {
  tenantId: string;
  team: Team;
  canEdit: boolean;
}) {
  const queries = useQueryClient();
  const queryKey = teamKeys.grants(tenantId, team.id);
  const grants = useQuery({
    queryKey,
    queryFn: () =>
      call(() =>
        api.GET('/api/v1/tenants/{tenantId}/teams/{teamId}/permissions', {
          params: { path: { tenantId, teamId: team.id } },
        }),
      ),
  });
  const [draft, setDraft] = useState<string | null>(null);
  const shown = draft ?? JSON.stringify(grants.data?.permissions ?? [], null, 2);
  const save = useMutation({
    mutationFn: () => {
      let permissions: Rule[];
      try {
        permissions = JSON.parse(shown) as Rule[];
      } catch (e) {
        throw new ApiError(400, {
          detail: t('teams.badJson', { message: e instanceof Error ? e.message : '' }),
        });
      }
      return call(() =>
        api.PUT('/api/v1/tenants/{tenantId}/teams/{teamId}/permissions', {
          params: { path: { tenantId, teamId: team.id } },
          body: { permissions },
        }),
      );
    },
    onSuccess: async () => {
      setDraft(null);
      await queries.invalidateQueries({ queryKey });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} aria-label={t('teams.grants')}>
        <Stack gap="sm">
          <Title order={2} size="h3">
            {t('teams.grants')}
          </Title>
          <ProblemAlert error={grants.error} />
          <Textarea
            label={t('teams.grantsRules')}
            description={t('teams.grantsHelp')}
            autosize
            minRows={3}
            readOnly={!canEdit}
            styles={{ input: { fontFamily: 'monospace' } }}
            value={shown}
            onChange={(e) => setDraft(e.currentTarget.value)}
          />
          <ProblemAlert error={save.error} />
          {save.isSuccess && draft === null && (
            <Text size="sm" role="status">
              {t('teams.grantsSaved')}
            </Text>
          )}
          {canEdit && (
            <Group>
              <Button type="submit" loading={save.isPending}>
                {t('teams.grantsSave')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
