import { rulesToCondition } from '@casl/ability/extra';
import { buildAbility, type AppAbility } from './ability.js';
import {
  evaluateAccessRules,
  type AccessContext,
  type AccessSubject,
  type CompiledAccessRules,
} from './access-rules.js';
import {
  fillPlaceholders,
  hasRequestPlaceholder,
  memberLookup,
  MISSING,
  requestLookup,
  type RequestValues,
} from './placeholders.js';
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
  /**
   * What `${member.*}` placeholders read: the member's email, username, externalId, displayName
   * and stored SCIM attributes (id, role and teamIds are added from the fields above).
   */
  attributes?: Record<string, unknown>;
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
  /**
   * Rules whose conditions read the request (`${subject.properties.x}`…), member placeholders
   * already filled: they join the ability per decision, once the caller's values are known.
   */
  templated: { rule: PermissionRule; origin: Origin }[];
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

type Compiled = Pick<Policy, 'ability' | 'origins' | 'templated'>;
const sharedBuiltIn = new Map<string, Compiled>();

function compileRules(snapshot: PrincipalSnapshot): Compiled {
  const origins = new Map<object, Origin>();
  const templated: Policy['templated'] = [];
  const allow: PermissionRule[] = [];
  const forbid: PermissionRule[] = [];
  const lookup = memberLookup({
    ...snapshot.attributes,
    id: snapshot.id,
    role: snapshot.role,
    teamIds: snapshot.teams.map((t) => t.id),
  });
  const add = (rule: PermissionRule, from: Omit<Origin, 'rule'>) => {
    const raw = withConditions(
      rule,
      rule.conditions && fillPlaceholders(rule.conditions, 'member', lookup),
    );
    if (!raw) return;
    const origin = { ...from, rule };
    if (raw.conditions && hasRequestPlaceholder(raw.conditions)) {
      templated.push({ rule: raw, origin });
      return;
    }
    origins.set(raw, origin);
    (rule.inverted ? forbid : allow).push(raw);
  };
  for (const rule of snapshot.roleRules ?? []) add(rule, { role: snapshot.role });
  for (const team of snapshot.teams) for (const rule of team.rules) add(rule, { teamId: team.id });
  return { ability: buildAbility([...allow, ...forbid]), origins, templated };
}

/**
 * The rule with its conditions filled in. A placeholder without a value never opens anything: an
 * allowing rule that needs it is left out (null), a forbidding one forbids without conditions.
 */
function withConditions(rule: PermissionRule, filled: unknown): PermissionRule | null {
  if (rule.conditions === undefined) return { ...rule };
  if (filled !== MISSING) return { ...rule, conditions: filled as Record<string, unknown> };
  if (!rule.inverted) return null;
  const { conditions: _dropped, ...rest } = rule;
  return { ...rest };
}

/**
 * The ability for one decision: the compiled one, or, when some rules read the request, one
 * built with those rules filled from the caller's values (allowing first, forbidding last).
 */
export function abilityFor(
  policy: Policy,
  request: RequestValues | undefined,
): { ability: AppAbility; origins: Map<object, Origin> } {
  if (policy.templated.length === 0) return policy;
  const lookup = requestLookup(request ?? {});
  const origins = new Map(policy.origins);
  const allow: PermissionRule[] = [];
  const forbid: PermissionRule[] = [];
  for (const raw of policy.ability.rules as unknown as PermissionRule[])
    (raw.inverted ? forbid : allow).push(raw);
  for (const { rule, origin } of policy.templated) {
    const raw = withConditions(rule, fillPlaceholders(rule.conditions, 'request', lookup));
    if (!raw) continue;
    origins.set(raw, origin);
    (raw.inverted ? forbid : allow).push(raw);
  }
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
  options: {
    field?: string;
    accessRules?: CompiledAccessRules;
    context?: AccessContext;
    /** What `${subject.*}`, `${action.*}` and `${context.*}` placeholders read. */
    request?: RequestValues;
  } = {},
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
  const { ability, origins } = abilityFor(policy, options.request);
  const rule = ability.relevantRuleFor(action, subject, options.field);
  const origin = rule ? origins.get(rule.origin) : undefined;
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

/**
 * The actions the policy names for a subject type, for action search: every action of a rule on
 * that type (or on `all`), and whether a rule grants `manage` (every action) there.
 */
export function namedActions(
  policy: Policy,
  subjectType: string,
): { names: string[]; manage: boolean } {
  const names = new Set<string>();
  let manage = false;
  const rules = [
    ...(policy.ability.rules as unknown as PermissionRule[]),
    ...policy.templated.map((t) => t.rule),
  ];
  for (const rule of rules) {
    if (rule.inverted) continue;
    const subjects = Array.isArray(rule.subject) ? rule.subject : [rule.subject];
    if (!subjects.includes(subjectType) && !subjects.includes('all')) continue;
    for (const action of Array.isArray(rule.action) ? rule.action : [rule.action]) {
      if (action === 'manage') manage = true;
      else names.add(action);
    }
  }
  return { names: [...names], manage };
}

/**
 * What the rules allow on a subject type as one Mongo-style query: `{}` for everything, null for
 * nothing, otherwise `$or` of each allowing rule's conditions, each under `$and` with the
 * `$nor` of the forbidding rules that take precedence over it (CASL's own flattening).
 */
export function allowedQuery(
  ability: AppAbility,
  action: string,
  subjectType: string,
): Record<string, unknown> | null {
  return rulesToCondition(
    ability.rulesFor(action, subjectType),
    (rule) =>
      rule.inverted
        ? { $nor: [rule.conditions ?? {}] }
        : ((rule.conditions as Record<string, unknown> | undefined) ?? {}),
    {
      and: (conditions) => ({ $and: conditions }),
      or: (conditions) => ({ $or: conditions }),
      empty: () => ({}),
    },
  );
}
