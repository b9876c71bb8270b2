import type { PermissionRule } from './types.js';

export const BUILT_IN_ROLE_KEYS = [
  'admin',
  'manager',
  'developer',
  'viewer',
  'member',
  'guest',
] as const;
export type BuiltInRoleKey = (typeof BUILT_IN_ROLE_KEYS)[number];

export interface RoleDefinition {
  key: BuiltInRoleKey;
  name: string;
  description: string;
  rules: PermissionRule[];
}

/**
 * The built-in permission matrix. It follows what comparable products document:
 * Administrator does everything; Manager runs teams and invites; Developer handles API keys, the
 * resource catalog and technical settings; Viewer reads; Member uses the product without managing
 * users; Guest sees nothing of other members.
 */
export const BUILT_IN_ROLES: Record<BuiltInRoleKey, RoleDefinition> = {
  admin: {
    key: 'admin',
    name: 'Administrator',
    description: 'Full control of the organization, its members, settings, keys and audit trail.',
    rules: [{ action: 'manage', subject: 'all' }],
  },
  manager: {
    key: 'manager',
    name: 'Manager',
    description: 'Manages teams and invites people.',
    rules: [
      { action: 'read', subject: ['Member', 'Invitation', 'Role'] },
      { action: 'create', subject: 'Invitation' },
      { action: 'manage', subject: 'Team' },
    ],
  },
  developer: {
    key: 'developer',
    name: 'Developer',
    description: 'Manages API keys, the resource catalog and technical settings.',
    rules: [
      { action: 'read', subject: ['Member', 'Team', 'Role'] },
      { action: 'manage', subject: ['ApiKey', 'Resource'] },
      { action: 'create', subject: 'Authorization' },
    ],
  },
  viewer: {
    key: 'viewer',
    name: 'Viewer',
    description: 'Reads everything members can see; changes nothing.',
    rules: [
      {
        action: 'read',
        subject: ['Member', 'Invitation', 'Team', 'Role', 'AccessRule', 'Resource'],
      },
    ],
  },
  member: {
    key: 'member',
    name: 'Member',
    description: 'Uses the product; no user management.',
    rules: [{ action: 'read', subject: ['Member', 'Team', 'Role'] }],
  },
  guest: {
    key: 'guest',
    name: 'Guest',
    description: 'Limited access; does not see other members.',
    // Type-level permission to read members; the members service narrows it to their own.
    rules: [{ action: 'read', subject: 'Member', conditions: { self: true } }],
  },
};

export function isBuiltInRole(key: string): key is BuiltInRoleKey {
  return (BUILT_IN_ROLE_KEYS as readonly string[]).includes(key);
}

/**
 * Roles that a holder of `granter` may hand to a key or invitation: an Administrator any role
 * (custom ones included); anyone else their own, or a built-in role that cannot manage anything.
 */
export function canGrantRole(granter: string, role: string): boolean {
  if (granter === 'admin' || granter === role) return true;
  return role === 'viewer' || role === 'member' || role === 'guest';
}
