import { buildAbility } from '../../../../../libs/policy/src/ability.js';
import {
  BUILT_IN_ROLE_KEYS,
  BUILT_IN_ROLES as BUILT_IN_ROLES_OF_POLICY,
} from '../../../../../libs/policy/src/roles.js';
import type { PermissionRule } from '../../../../../libs/policy/src/types.js';
import { t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';

/** What the console offers a role. The server decides; this only hides what it would refuse. */
export interface Capabilities {
  manageMembers: boolean;
  invite: boolean;
  readInvitations: boolean;
  manageInvitations: boolean;
  manageSettings: boolean;
  readRoles: boolean;
  readTeams: boolean;
  /** A guest's list answers only their own membership. */
  seesOnlySelf: boolean;
}

/**
 * What a set of permission rules offers, read with the server's own CASL ability (libs/policy),
 * so the console and the server agree on every built-in role and on custom roles alike.
 */
export function capabilitiesOfRules(rules: PermissionRule[]): Capabilities {
  const ability = buildAbility(rules);
  const can = (action: string, subject: string) => ability.can(action, subject);
  // A guest's rule reads members only under a condition (themself): the list answers only them.
  const readsAllMembers = ability
    .rulesFor('read', 'Member')
    .some((rule) => !rule.inverted && !rule.conditions);
  return {
    manageMembers: can('update', 'Member'),
    invite: can('create', 'Invitation'),
    readInvitations: can('read', 'Invitation'),
    manageInvitations: can('delete', 'Invitation'),
    manageSettings: can('update', 'Tenant'),
    readRoles: can('read', 'Role'),
    readTeams: can('read', 'Team'),
    seesOnlySelf: can('read', 'Member') && !readsAllMembers,
  };
}

const BUILT_IN = new Map<string, Capabilities>(
  BUILT_IN_ROLE_KEYS.map((key) => [key, capabilitiesOfRules(BUILT_IN_ROLES_OF_POLICY[key].rules)]),
);

/**
 * A role's capabilities: a built-in role's from the matrix, a custom role's from its rules when
 * the person may read them (GET roles/{key}). Without them the console offers a custom role's
 * actions short of settings and shows the server's refusals in place.
 */
export function capabilitiesOf(role: string, rules?: PermissionRule[]): Capabilities {
  const builtIn = BUILT_IN.get(role);
  if (builtIn) return builtIn;
  if (rules) return capabilitiesOfRules(rules);
  return {
    manageMembers: true,
    invite: true,
    readInvitations: true,
    manageInvitations: true,
    manageSettings: false,
    readRoles: true,
    readTeams: true,
    seesOnlySelf: false,
  };
}

export const BUILT_IN_ROLES: readonly string[] = BUILT_IN_ROLE_KEYS;

/** A role's name: the built-in ones translated, a custom role by the name the server gives. */
export function roleName(key: string, names: Map<string, string> = new Map()): string {
  if (BUILT_IN_ROLES.includes(key)) return t(`org.role.${key}` as MessageKey);
  return names.get(key) ?? key;
}
