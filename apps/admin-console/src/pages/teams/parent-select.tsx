import { Select, Text } from '@mantine/core';
import { t } from '../../i18n/i18n.js';
import { flatten, type TeamNode } from './queries.js';

/**
 * A parent team picked from the tree (depth-first, indented by depth); empty means a top team.
 * `exclude` leaves the team itself out: the server refuses its sub-teams with team_cycle.
 */
export function ParentSelect({
  tree,
  exclude,
  value,
  onChange,
  description,
  inModal = false,
}: {
  tree: TeamNode[];
  exclude?: string;
  value: string | null;
  onChange: (value: string | null) => void;
  description?: string;
  inModal?: boolean;
}) {
  const nodes = flatten(tree).filter((n) => n.team.id !== exclude);
  const depth = new Map(nodes.map((n) => [n.team.id, n.depth]));
  return (
    <Select
      label={t('teams.parent')}
      description={description}
      placeholder={t('teams.parentNone')}
      data={nodes.map((n) => ({ value: n.team.id, label: n.team.name }))}
      renderOption={({ option }) => (
        <Text pl={(depth.get(option.value) ?? 0) * 12}>{option.label}</Text>
      )}
      value={value}
      onChange={onChange}
      clearable
      searchable
      comboboxProps={inModal ? { withinPortal: false } : undefined}
    />
  );
}
