import {
  Badge,
  Button,
  Grid,
  Group,
  Menu,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type DragEvent, type FormEvent } from 'react';
import { api, call } from '../../api/client.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { OrgPage, type OrgContext } from '../organization/org-frame.js';
import {
  buildTree,
  managesTeams,
  patchTeam,
  teamKeys,
  useTeams,
  type Team,
  type TeamNode,
} from './queries.js';
import { ParentSelect } from './parent-select.js';
import { DeleteTeamDialog, MoveTeamDialog, RenameTeamDialog } from './team-dialogs.js';
import { TeamPanel } from './team-panel.js';

/** The organization's teams: the tree, create, rename, move, delete, members and leads. */
export function TeamsPage() {
  return <OrgPage>{(org) => <Teams org={org} />}</OrgPage>;
}

type Dialog = { kind: 'rename' | 'move' | 'delete'; team: Team } | null;

function Teams({ org }: { org: OrgContext }) {
  const { tenantId } = org;
  const teams = useTeams(tenantId);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const all = teams.data ?? [];
  const tree = buildTree(all);
  const selected = all.find((x) => x.id === selectedId) ?? null;
  const manage = managesTeams(org);
  const close = () => setDialog(null);
  const drag = useDragMove(tenantId, all);
  return (
    <Stack gap="lg">
      <Title order={1}>{t('teams.title')}</Title>
      <ProblemAlert error={teams.error} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <Paper withBorder p="md" component="section" aria-labelledby="team-tree">
              <Title order={2} size="h3" id="team-tree" mb="sm">
                {t('teams.tree')}
              </Title>
              {teams.isSuccess && all.length === 0 && <Text c="gray.7">{t('teams.none')}</Text>}
              {manage && all.length > 1 && (
                <Text size="xs" c="gray.7" mb="xs">
                  {t('teams.dragHelp')}
                </Text>
              )}
              <ProblemAlert error={drag.error} title={drag.errorTitle} />
              <TreeList
                nodes={tree}
                selectedId={selectedId}
                onSelect={setSelectedId}
                onAction={manage ? (kind, team) => setDialog({ kind, team }) : null}
                drag={manage ? drag : null}
              />
              {manage && drag.dragging && <RootDropZone drag={drag} />}
            </Paper>
            {manage && <CreateTeam tenantId={tenantId} teams={tree} onCreated={setSelectedId} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          {selected ? (
            <TeamPanel key={selected.id} org={org} team={selected} manage={manage} />
          ) : (
            <Text c="gray.7">{t('teams.pick')}</Text>
          )}
        </Grid.Col>
      </Grid>
      {dialog?.kind === 'rename' && (
        <RenameTeamDialog tenantId={tenantId} team={dialog.team} onClose={close} />
      )}
      {dialog?.kind === 'move' && (
        <MoveTeamDialog tenantId={tenantId} team={dialog.team} tree={tree} onClose={close} />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteTeamDialog
          tenantId={tenantId}
          team={dialog.team}
          hasSubTeams={all.some((x) => x.parentTeamId === dialog.team.id)}
          onClose={close}
          onDeleted={() => {
            if (selectedId === dialog.team.id) setSelectedId(null);
            close();
          }}
        />
      )}
    </Stack>
  );
}

/** The drag id's media type: only a team dragged from this tree is accepted. */
const TEAM_DRAG_TYPE = 'application/x-team-id';

type DragMove = ReturnType<typeof useDragMove>;

/**
 * Move by drag (native HTML5 drag and drop): drop a team on another to put it under that one,
 * or on the top zone to make it a top team. The same PATCH as the Move dialog; the server's
 * refusals (a cycle, too deep) show above the tree. Keyboard users keep the menu's Move.
 */
function useDragMove(tenantId: string, teams: Team[]) {
  const queries = useQueryClient();
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const move = useMutation({
    mutationFn: ({ teamId, parentTeamId }: { teamId: string; parentTeamId: string | null }) =>
      patchTeam(tenantId, teamId, { parentTeamId }),
    onSettled: () => queries.invalidateQueries({ queryKey: teamKeys.all(tenantId) }),
  });
  const nameOf = (id: string | null | undefined) => teams.find((x) => x.id === id)?.name ?? '';
  const end = () => {
    setDragging(null);
    setOver(null);
  };
  /** Props of a drop target: a team's row, or null for the top zone. */
  const target = (parentTeamId: string | null) => {
    const key = parentTeamId ?? 'top';
    const accepts = (types: readonly string[]) =>
      dragging !== null && dragging !== parentTeamId && types.includes(TEAM_DRAG_TYPE);
    return {
      'data-drop-over': over === key || undefined,
      onDragOver: (event: DragEvent) => {
        if (!accepts(event.dataTransfer.types)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
        if (over !== key) setOver(key);
      },
      onDragLeave: () => setOver((current) => (current === key ? null : current)),
      onDrop: (event: DragEvent) => {
        const teamId = event.dataTransfer.getData(TEAM_DRAG_TYPE);
        end();
        if (!teamId || teamId === parentTeamId) return;
        event.preventDefault();
        if (teams.find((x) => x.id === teamId)?.parentTeamId === parentTeamId) return;
        move.mutate({ teamId, parentTeamId });
      },
    };
  };
  const source = (team: Team) => ({
    draggable: true,
    onDragStart: (event: DragEvent) => {
      event.dataTransfer.setData(TEAM_DRAG_TYPE, team.id);
      event.dataTransfer.effectAllowed = 'move';
      move.reset();
      setDragging(team.id);
    },
    onDragEnd: end,
  });
  const errorTitle = move.variables
    ? move.variables.parentTeamId
      ? t('teams.dragRefused', {
          name: nameOf(move.variables.teamId),
          parent: nameOf(move.variables.parentTeamId),
        })
      : t('teams.dragRefusedTop', { name: nameOf(move.variables.teamId) })
    : undefined;
  return { dragging, over, source, target, error: move.error, errorTitle };
}

function RootDropZone({ drag }: { drag: DragMove }) {
  const props = drag.target(null);
  return (
    <Paper
      {...props}
      withBorder
      p="xs"
      mt="xs"
      data-testid="team-drop-top"
      style={{
        borderStyle: 'dashed',
        background: props['data-drop-over'] ? 'var(--mantine-color-blue-light)' : undefined,
      }}
    >
      <Text size="sm" ta="center">
        {t('teams.dropTop')}
      </Text>
    </Paper>
  );
}

function TreeList({
  nodes,
  selectedId,
  onSelect,
  onAction,
  drag,
}: {
  nodes: TeamNode[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  onAction: ((kind: 'rename' | 'move' | 'delete', team: Team) => void) | null;
  drag: DragMove | null;
}) {
  if (nodes.length === 0) return null;
  return (
    <Stack
      component="ul"
      gap={4}
      m={0}
      p={0}
      pl={nodes[0]!.depth === 0 ? 0 : 'md'}
      style={{ listStyle: 'none' }}
    >
      {nodes.map(({ team, children }) => (
        <li key={team.id}>
          <Group
            gap="xs"
            wrap="nowrap"
            justify="space-between"
            data-testid={`team-row-${team.name}`}
            {...(drag ? { ...drag.source(team), ...drag.target(team.id) } : {})}
            style={{
              borderRadius: 4,
              outline:
                drag?.over === team.id ? '2px dashed var(--mantine-color-blue-6)' : undefined,
              cursor: drag ? 'grab' : undefined,
            }}
          >
            <UnstyledButton
              onClick={() => onSelect(team.id)}
              aria-pressed={selectedId === team.id}
              aria-label={t('teams.select', { name: team.name })}
              fw={selectedId === team.id ? 700 : 400}
              px={6}
              py={2}
            >
              {team.name}
            </UnstyledButton>
            <Group gap="xs" wrap="nowrap">
              {children.length > 0 && (
                <Badge variant="outline" color="gray">
                  {t('teams.subTeams', { count: children.length })}
                </Badge>
              )}
              {onAction && (
                <Menu position="bottom-end" withinPortal>
                  <Menu.Target>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      aria-label={t('teams.actions', { name: team.name })}
                    >
                      …
                    </Button>
                  </Menu.Target>
                  <Menu.Dropdown>
                    <Menu.Item onClick={() => onAction('rename', team)}>
                      {t('teams.rename')}
                    </Menu.Item>
                    <Menu.Item onClick={() => onAction('move', team)}>{t('teams.move')}</Menu.Item>
                    <Menu.Item color="red.8" onClick={() => onAction('delete', team)}>
                      {t('teams.delete')}
                    </Menu.Item>
                  </Menu.Dropdown>
                </Menu>
              )}
            </Group>
          </Group>
          <TreeList
            nodes={children}
            selectedId={selectedId}
            onSelect={onSelect}
            onAction={onAction}
            drag={drag}
          />
        </li>
      ))}
    </Stack>
  );
}

function CreateTeam({
  tenantId,
  teams,
  onCreated,
}: {
  tenantId: string;
  teams: TeamNode[];
  onCreated: (id: string) => void;
}) {
  const queries = useQueryClient();
  const [name, setName] = useState('');
  const [parent, setParent] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      call(() =>
        api.POST('/api/v1/tenants/{tenantId}/teams', {
          params: { path: { tenantId } },
          body: { name, ...(parent ? { parentTeamId: parent } : {}) },
        }),
      ),
    onSuccess: async (team) => {
      setName('');
      setParent(null);
      await queries.invalidateQueries({ queryKey: teamKeys.all(tenantId) });
      onCreated(team.id);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} aria-label={t('teams.create')}>
        <Stack gap="sm">
          <Title order={2} size="h3">
            {t('teams.create')}
          </Title>
          <TextInput
            label={t('teams.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <ParentSelect
            tree={teams}
            description={t('teams.parentHelp')}
            value={parent}
            onChange={setParent}
          />
          <ProblemAlert error={create.error} />
          <Group>
            <Button type="submit" loading={create.isPending}>
              {t('teams.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
