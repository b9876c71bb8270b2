import { createMongoAbility, type MongoAbility, type RawRuleOf, type Subject } from '@casl/ability';
import { BUILT_IN_ROLES, BUILT_IN_ROLE_KEYS, type BuiltInRoleKey } from './roles.js';
import type { Decision, PermissionRule } from './types.js';

/** Actions and subject types are free-form names; subjects may be instances with attributes. */
export type AppAbility = MongoAbility<[string, Subject]>;

export function buildAbility(rules: PermissionRule[]): AppAbility {
  return createMongoAbility<AppAbility>(rules as RawRuleOf<AppAbility>[]);
}

const roleAbilities = new Map<BuiltInRoleKey, AppAbility>(
  BUILT_IN_ROLE_KEYS.map((key) => [key, buildAbility(BUILT_IN_ROLES[key].rules)]),
);

export function abilityForRole(role: BuiltInRoleKey): AppAbility {
  return roleAbilities.get(role) as AppAbility;
}

/** Decides whether a role may perform `action` on a subject type, and says why. */
export function decideForRole(role: BuiltInRoleKey, action: string, subject: string): Decision {
  const ability = abilityForRole(role);
  const rule = ability.relevantRuleFor(action, subject);
  if (!rule) return { allowed: false, reason: { code: 'no_matching_rule', role } };
  const raw: PermissionRule = { action: rule.action, subject: rule.subject as string | string[] };
  if (rule.inverted)
    return {
      allowed: false,
      reason: { code: 'denied_by_rule', role, rule: { ...raw, inverted: true } },
    };
  return { allowed: true, reason: { code: 'allowed_by_role', role, rule: raw } };
}

/** Built-in roles that hold a permission: used to say "Admin access required" when only admins do. */
export function rolesAllowed(action: string, subject: string): BuiltInRoleKey[] {
  return BUILT_IN_ROLE_KEYS.filter((key) => abilityForRole(key).can(action, subject));
}
