import { buildAbility, type AppAbility } from './ability.js';
import {
  evaluateAccessRules,
  type AccessContext,
  type AccessSubject,
  type CompiledAccessRules,
} from './access-rules.js';
import { BUILT_IN_ROLES, isBuiltInRole } from './roles.js';
import type { PermissionRule } from './types.js';

/**
 * What decides for one principal of a tenant, read from storage in one go and cacheable: the
 * role and its rules (built-in or the tenant's own), and the teams the member belongs to,
 * directly or through a parent team, with the rules granted to each.
 */
export interface PrincipalSnapshot {
  kind: 'member' | 'api_key';
  /** The membership or API key id. */
  id: string;
  role: string;
  /** null when the role no longer exists (a deleted custom role): nothing is allowed by it. */
  roleRules: PermissionRule[] | null;
  /** Direct teams and their ancestors, each once. */
  teams: { id: string; rules: PermissionRule[] }[];
}

/** Where a rule came from, so a decision can say what decided it. */
interface Origin {
  role?: string;
  teamId?: string;
  rule: PermissionRule;
}

export interface Policy {
  snapshot: PrincipalSnapshot;
  ability: AppAbility;
  teamIds: string[];
  accessSubject: AccessSubject;
  origins: Map<object, Origin>;
}

export type PolicyDecisionCode =
  | 'allowed_by_role'
  | 'allowed_by_team'
  | 'denied_by_rule'
  | 'no_matching_rule'
  | 'denied_by_access_rule'
  | 'outside_allowed_access';

export interface PolicyDecision {
  allowed: boolean;
  reason: {
    code: PolicyDecisionCode;
    role: string;
    teamId?: string;
    rule?: PermissionRule;
    accessRule?: { id: string; name: string };
  };
}

/** A subject type (`Member`) or an instance naming its type, with attributes conditions read. */
export type PolicySubject = string | ({ type: string } & Record<string, unknown>);

/**
 * Turns a snapshot into a CASL ability. Rules that allow come first and rules that forbid last,
 * so a `cannot` wins whichever role or team it comes from (CASL lets later rules override).
 */
export function compilePolicy(snapshot: PrincipalSnapshot): Policy {
  const teamIds = snapshot.teams.map((t) => t.id);
  const accessSubject: AccessSubject =
    snapshot.kind === 'member'
      ? { role: snapshot.role, memberId: snapshot.id, teamIds }
      : { role: snapshot.role, apiKeyId: snapshot.id };
  // Most principals hold a built-in role and no team grants: they share one compiled ability.
  const plain =
    teamIds.length === 0 &&
    isBuiltInRole(snapshot.role) &&
    snapshot.roleRules === BUILT_IN_ROLES[snapshot.role].rules;
  if (plain) {
    let shared = sharedBuiltIn.get(snapshot.role);
    if (!shared) {
      shared = compileRules(snapshot);
      sharedBuiltIn.set(snapshot.role, shared);
    }
    return { snapshot, teamIds, accessSubject, ...shared };
  }
  return { snapshot, teamIds, accessSubject, ...compileRules(snapshot) };
}

const sharedBuiltIn = new Map<string, Pick<Policy, 'ability' | 'origins'>>();

function compileRules(snapshot: PrincipalSnapshot): Pick<Policy, 'ability' | 'origins'> {
  const origins = new Map<object, Origin>();
  const allow: PermissionRule[] = [];
  const forbid: PermissionRule[] = [];
  const fill = fillPlaceholders(snapshot);
  const add = (rule: PermissionRule, origin: Omit<Origin, 'rule'>) => {
    const raw = rule.conditions
      ? { ...rule, conditions: fill(rule.conditions) as Record<string, unknown> }
      : { ...rule };
    origins.set(raw, { ...origin, rule });
    (rule.inverted ? forbid : allow).push(raw);
  };
  for (const rule of snapshot.roleRules ?? []) add(rule, { role: snapshot.role });
  for (const team of snapshot.teams) for (const rule of team.rules) add(rule, { teamId: team.id });
  return { ability: buildAbility([...allow, ...forbid]), origins };
}

/** The built-in rules of a role key, or null for a key that is not built in. */
export function builtInRules(role: string): PermissionRule[] | null {
  return isBuiltInRole(role) ? BUILT_IN_ROLES[role].rules : null;
}

/**
 * May the principal do `action` on `subject` (optionally one `field` of it), from where and
 * when the context says? Access rules (IP, time) are applied first: deny wins, allow rules
 * fence. The reason names the role or team rule, or the access rule, that decided.
 */
export function decide(
  policy: Policy,
  action: string,
  subject: PolicySubject,
  options: { field?: string; accessRules?: CompiledAccessRules; context?: AccessContext } = {},
): PolicyDecision {
  const role = policy.snapshot.role;
  let accessRule: { id: string; name: string } | undefined;
  if (options.accessRules && options.context) {
    const access = evaluateAccessRules(options.accessRules, policy.accessSubject, options.context);
    if (!access.allowed)
      return {
        allowed: false,
        reason: {
          code: access.code as 'denied_by_access_rule' | 'outside_allowed_access',
          role,
          ...(access.rule ? { accessRule: access.rule } : {}),
        },
      };
    accessRule = access.rule;
  }
  const rule = policy.ability.relevantRuleFor(action, subject, options.field);
  const origin = rule ? policy.origins.get(rule.origin) : undefined;
  const allowed = rule !== null && !rule.inverted;
  return {
    allowed,
    reason: {
      code: !rule
        ? 'no_matching_rule'
        : rule.inverted
          ? 'denied_by_rule'
          : origin?.teamId
            ? 'allowed_by_team'
            : 'allowed_by_role',
      role,
      ...(origin?.teamId ? { teamId: origin.teamId } : {}),
      ...(origin ? { rule: origin.rule } : {}),
      ...(accessRule ? { accessRule } : {}),
    },
  };
}

/** `${member.id}` and `${member.teamIds}` in condition values, filled in for this principal. */
function fillPlaceholders(snapshot: PrincipalSnapshot): (value: unknown) => unknown {
  const teamIds = snapshot.teams.map((t) => t.id);
  const fill = (value: unknown): unknown => {
    if (value === '${member.id}') return snapshot.id;
    if (value === '${member.teamIds}') return teamIds;
    if (Array.isArray(value)) return value.map(fill);
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  return fill;
}
