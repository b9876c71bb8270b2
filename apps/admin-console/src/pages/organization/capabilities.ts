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

const BUILT_IN: Record<string, Capabilities> = {
  admin: caps({
    manageMembers: true,
    invite: true,
    readInvitations: true,
    manageInvitations: true,
    manageSettings: true,
    readRoles: true,
    readTeams: true,
  }),
  manager: caps({ invite: true, readInvitations: true, readRoles: true, readTeams: true }),
  developer: caps({ readRoles: true, readTeams: true }),
  viewer: caps({ readInvitations: true, readRoles: true, readTeams: true }),
  member: caps({ readRoles: true, readTeams: true }),
  guest: caps({ seesOnlySelf: true }),
};

function caps(granted: Partial<Capabilities>): Capabilities {
  return {
    manageMembers: false,
    invite: false,
    readInvitations: false,
    manageInvitations: false,
    manageSettings: false,
    readRoles: false,
    readTeams: false,
    seesOnlySelf: false,
    ...granted,
  };
}

/**
 * The built-in matrix (libs/policy roles.ts) as the console needs it. A custom role may grant
 * anything short of settings: the console offers its actions and shows the server's refusals.
 */
export function capabilitiesOf(role: string): Capabilities {
  return (
    BUILT_IN[role] ??
    caps({
      manageMembers: true,
      invite: true,
      readInvitations: true,
      manageInvitations: true,
      readRoles: true,
      readTeams: true,
    })
  );
}

export const BUILT_IN_ROLES = ['admin', 'manager', 'developer', 'viewer', 'member', 'guest'];

/** A role's name: the built-in ones translated, a custom role by the name the server gives. */
export function roleName(key: string, names: Map<string, string> = new Map()): string {
  if (BUILT_IN_ROLES.includes(key)) return t(`org.role.${key}` as MessageKey);
  return names.get(key) ?? key;
}
