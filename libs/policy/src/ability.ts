import {
  createMongoAbility,
  detectSubjectType,
  mongoQueryMatcher,
  type MongoAbility,
  type MongoQuery,
  type RawRuleOf,
  type Subject,
} from '@casl/ability';
import { BUILT_IN_ROLES, BUILT_IN_ROLE_KEYS, type BuiltInRoleKey } from './roles.js';
import type { PermissionRule } from './types.js';

/** Actions and subject types are free-form names; subjects may be instances with attributes. */
export type AppAbility = MongoAbility<[string, Subject]>;

/**
 * Conditions that cannot be evaluated on a subject (`$elemMatch` over an array holding null, say)
 * make CASL throw. A decision must not: such a condition does not match when it would allow, and
 * matches when it would forbid, so an odd subject never opens anything.
 */
export function buildAbility(rules: PermissionRule[]): AppAbility {
  const forbidding = new WeakSet<object>();
  for (const rule of rules) if (rule.inverted && rule.conditions) forbidding.add(rule.conditions);
  return createMongoAbility<AppAbility>(rules as RawRuleOf<AppAbility>[], {
    // Subjects are plain objects naming their type in `type` (the authorize API's shape), so
    // nothing has to be copied or tagged per decision.
    detectSubjectType: (object) =>
      typeof (object as { type?: unknown }).type === 'string'
        ? (object as { type: string }).type
        : detectSubjectType(object),
    conditionsMatcher: (conditions: MongoQuery) => {
      const match = mongoQueryMatcher(conditions);
      const onError = forbidding.has(conditions);
      const safe = (object: Record<string, unknown>) => {
        try {
          return match(object);
        } catch {
          return onError;
        }
      };
      // CASL reads these to decide whether a forbidding rule covers a whole subject type.
      return Object.assign(safe, { ast: match.ast });
    },
  });
}

const roleAbilities = new Map<BuiltInRoleKey, AppAbility>(
  BUILT_IN_ROLE_KEYS.map((key) => [key, buildAbility(BUILT_IN_ROLES[key].rules)]),
);

export function abilityForRole(role: BuiltInRoleKey): AppAbility {
  return roleAbilities.get(role) as AppAbility;
}

/** Built-in roles that hold a permission: used to say "Admin access required" when only admins do. */
export function rolesAllowed(action: string, subject: string): BuiltInRoleKey[] {
  return BUILT_IN_ROLE_KEYS.filter((key) => abilityForRole(key).can(action, subject));
}
