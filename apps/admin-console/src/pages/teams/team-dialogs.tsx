import { Button, Group, Modal, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, call } from '../../api/client.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import {
  patchTeam,
  STRATEGIES,
  teamKeys,
  type DeleteStrategy,
  type Team,
  type TeamNode,
} from './queries.js';
import { ParentSelect } from './parent-select.js';

interface DialogProps {
  tenantId: string;
  team: Team;
  onClose: () => void;
}

function TeamModal({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Modal
      opened
      onClose={onClose}
      title={title}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {children}
    </Modal>
  );
}

/** PATCH the team, then refresh every team query of the organization. */
function useUpdate(tenantId: string, team: Team, onDone: () => void) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: { name?: string; parentTeamId?: string | null }) =>
      patchTeam(tenantId, team.id, body),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: teamKeys.all(tenantId) });
      onDone();
    },
  });
}

export function RenameTeamDialog({ tenantId, team, onClose }: DialogProps) {
  const [name, setName] = useState(team.name);
  const update = useUpdate(tenantId, team, onClose);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ name });
  };
  return (
    <TeamModal title={t('teams.renameTitle', { name: team.name })} onClose={onClose}>
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label={t('teams.name')}
            required
            data-autofocus
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <ProblemAlert error={update.error} />
          <Group justify="end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={update.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </TeamModal>
  );
}

export function MoveTeamDialog({
  tenantId,
  team,
  tree,
  onClose,
}: DialogProps & { tree: TeamNode[] }) {
  const [parent, setParent] = useState<string | null>(team.parentTeamId);
  const update = useUpdate(tenantId, team, onClose);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ parentTeamId: parent });
  };
  return (
    <TeamModal title={t('teams.moveTitle', { name: team.name })} onClose={onClose}>
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm">{t('teams.moveHelp')}</Text>
          <ParentSelect tree={tree} exclude={team.id} value={parent} onChange={setParent} inModal />
          <ProblemAlert error={update.error} />
          <Group justify="end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={update.isPending}>
              {t('teams.move')}
            </Button>
          </Group>
        </Stack>
      </form>
    </TeamModal>
  );
}

/**
 * Delete with a strategy. The choice is offered when the team has sub-teams, or once the server
 * answered team_not_empty (it has members): the strategies are the API's own.
 */
export function DeleteTeamDialog({
  tenantId,
  team,
  hasSubTeams,
  onClose,
  onDeleted,
}: DialogProps & { hasSubTeams: boolean; onDeleted: () => void }) {
  const queries = useQueryClient();
  const [strategy, setStrategy] = useState<DeleteStrategy>('refuse');
  const remove = useMutation({
    mutationFn: () =>
      call(() =>
        api.DELETE('/api/v1/tenants/{tenantId}/teams/{teamId}', {
          params: { path: { tenantId, teamId: team.id }, query: { strategy } },
        }),
      ),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: teamKeys.all(tenantId) });
      onDeleted();
    },
  });
  const notEmpty = remove.error instanceof ApiError && remove.error.code === 'team_not_empty';
  return (
    <TeamModal title={t('teams.deleteTitle', { name: team.name })} onClose={onClose}>
      <Stack>
        <Text>{t('teams.deleteConfirm', { name: team.name })}</Text>
        <ProblemAlert error={remove.error} />
        {(hasSubTeams || notEmpty) && (
          <Radio.Group label={t('teams.strategy')} value={strategy} onChange={setStrategy}>
            <Stack gap="xs" mt="xs">
              {STRATEGIES.map((s) => (
                <Radio key={s} value={s} label={t(`teams.strategy.${s}`)} />
              ))}
            </Stack>
          </Radio.Group>
        )}
        <Group justify="end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red.8" loading={remove.isPending} onClick={() => remove.mutate()}>
            {t('teams.delete')}
          </Button>
        </Group>
      </Stack>
    </TeamModal>
  );
}
