import { looksLikePlaceholder, PLACEHOLDER } from './placeholders.js';
import type { PermissionRule, RuleProblem } from './types.js';

/**
 * Condition operators a stored rule may use. Each is evaluated by CASL without throwing on any
 * subject; `$regex` is left out (a tenant's pattern could be slow on every decision), and so are
 * the logical operators CASL's default matcher does not apply at the top level.
 */
export const CONDITION_OPERATORS = [
  '$eq',
  '$ne',
  '$in',
  '$nin',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$exists',
  '$all',
  '$size',
  '$elemMatch',
] as const;

/**
 * Placeholders a condition value may hold (placeholders.ts has the whole grammar): the member's
 * stored attributes, filled when rules are built, and the request's, filled per decision.
 */
export const CONDITION_PLACEHOLDERS = [
  '${member.id}',
  '${member.teamIds}',
  '${member.role}',
  '${member.email}',
  '${member.username}',
  '${member.externalId}',
  '${member.<attribute>}',
  '${subject.id}',
  '${subject.properties.<name>}',
  '${action.name}',
  '${action.properties.<name>}',
  '${context.<name>}',
] as const;

const NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const RULE_KEYS = new Set(['action', 'subject', 'conditions', 'fields', 'inverted', 'reason']);
export const MAX_RULES = 100;
const MAX_CONDITION_DEPTH = 6;
const MAX_RULE_JSON = 4096;

/**
 * Everything wrong with a list of CASL-style rules, each with the path of the field at fault
 * (`permissions[2].conditions.ownerId`), so that a stored rule can never throw at decision time.
 */
export function validatePermissionRules(rules: unknown, field = 'permissions'): RuleProblem[] {
  if (!Array.isArray(rules)) return [{ field, message: 'must be an array of rules' }];
  if (rules.length > MAX_RULES)
    return [{ field, message: `at most ${MAX_RULES} rules, got ${rules.length}` }];
  return rules.flatMap((rule, i) => validateRule(rule, `${field}[${i}]`));
}

function validateRule(rule: unknown, at: string): RuleProblem[] {
  if (!isPlainObject(rule)) return [{ field: at, message: 'a rule must be an object' }];
  const problems: RuleProblem[] = [];
  for (const key of Object.keys(rule)) {
    if (!RULE_KEYS.has(key))
      problems.push({
        field: `${at}.${key}`,
        message: `unknown rule property (expected ${[...RULE_KEYS].join(', ')})`,
      });
  }
  problems.push(...names(rule.action, `${at}.action`, 'an action'));
  problems.push(...names(rule.subject, `${at}.subject`, 'a subject'));
  if (rule.fields !== undefined) problems.push(...names(rule.fields, `${at}.fields`, 'a field'));
  if (rule.inverted !== undefined && typeof rule.inverted !== 'boolean')
    problems.push({ field: `${at}.inverted`, message: 'must be true or false' });
  if (rule.reason !== undefined && (typeof rule.reason !== 'string' || rule.reason.length > 200))
    problems.push({ field: `${at}.reason`, message: 'must be a text of at most 200 characters' });
  if (rule.conditions !== undefined) {
    if (!isPlainObject(rule.conditions))
      problems.push({ field: `${at}.conditions`, message: 'must be an object' });
    else problems.push(...conditions(rule.conditions, `${at}.conditions`, 0));
  }
  if (problems.length === 0 && JSON.stringify(rule).length > MAX_RULE_JSON)
    problems.push({ field: at, message: `a rule may take at most ${MAX_RULE_JSON} characters` });
  return problems;
}

function names(value: unknown, at: string, what: string): RuleProblem[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.length > 50) return [{ field: at, message: `list 1 to 50 names` }];
  return list.flatMap((name, i) =>
    typeof name === 'string' && NAME.test(name)
      ? []
      : [
          {
            field: Array.isArray(value) ? `${at}[${i}]` : at,
            message: `${what} is a name of 1 to 64 letters, digits, _ . : - starting with a letter`,
          },
        ],
  );
}

/** A condition object: field names mapped to a value or to an object of known operators. */
function conditions(object: Record<string, unknown>, at: string, depth: number): RuleProblem[] {
  if (depth >= MAX_CONDITION_DEPTH)
    return [{ field: at, message: `conditions nest at most ${MAX_CONDITION_DEPTH} deep` }];
  const problems: RuleProblem[] = [];
  for (const [key, value] of Object.entries(object)) {
    const path = `${at}.${key}`;
    if (key.startsWith('$')) {
      problems.push({
        field: path,
        message: `"${key}" is not allowed here: name an attribute, then operators (${CONDITION_OPERATORS.join(', ')})`,
      });
    } else if (FORBIDDEN_KEYS.has(key) || key.length === 0 || key.length > 128) {
      problems.push({ field: path, message: 'not a usable attribute name' });
    } else if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
      problems.push(...operators(value, path, depth));
    } else {
      problems.push(...literal(value, path));
    }
  }
  return problems;
}

function operators(object: Record<string, unknown>, at: string, depth: number): RuleProblem[] {
  const problems: RuleProblem[] = [];
  for (const [op, operand] of Object.entries(object)) {
    const path = `${at}.${op}`;
    if (!(CONDITION_OPERATORS as readonly string[]).includes(op)) {
      problems.push({
        field: path,
        message: `unknown condition operator "${op}" (supported: ${CONDITION_OPERATORS.join(', ')})`,
      });
      continue;
    }
    switch (op) {
      case '$in':
      case '$nin':
      case '$all':
        if (looksLikePlaceholder(operand)) problems.push(...literal(operand, path));
        else if (!Array.isArray(operand))
          problems.push({ field: path, message: `${op} takes an array or a placeholder` });
        else if (Array.isArray(operand)) problems.push(...literal(operand, path));
        break;
      case '$size':
        if (!Number.isInteger(operand) || (operand as number) < 0)
          problems.push({ field: path, message: '$size takes a whole number' });
        break;
      case '$exists':
        if (typeof operand !== 'boolean')
          problems.push({ field: path, message: '$exists takes true or false' });
        break;
      case '$elemMatch':
        if (!isPlainObject(operand))
          problems.push({ field: path, message: '$elemMatch takes a condition object' });
        else problems.push(...conditions(operand, path, depth + 1));
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        if (!['number', 'string'].includes(typeof operand))
          problems.push({ field: path, message: `${op} takes a number or a text` });
        break;
      default:
        problems.push(...literal(operand, path));
    }
  }
  return problems;
}

/** Plain JSON values compared by equality; objects inside must not smuggle operators. */
function literal(value: unknown, at: string): RuleProblem[] {
  if (looksLikePlaceholder(value) && !PLACEHOLDER.test(value))
    return [
      {
        field: at,
        message: `unknown placeholder ${value.slice(0, 80)} (supported: ${CONDITION_PLACEHOLDERS.join(', ')})`,
      },
    ];
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => literal(v, `${at}[${i}]`));
  if (isPlainObject(value)) {
    return Object.entries(value).flatMap(([k, v]) =>
      k.startsWith('$') || FORBIDDEN_KEYS.has(k)
        ? [{ field: `${at}.${k}`, message: `"${k}" is not allowed in a value` }]
        : literal(v, `${at}.${k}`),
    );
  }
  return [{ field: at, message: 'must be a JSON value' }];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The rule as stored and published: only its own properties, in a stable order. */
export function normalizeRule(rule: PermissionRule): PermissionRule {
  return {
    action: rule.action,
    subject: rule.subject,
    ...(rule.conditions !== undefined ? { conditions: rule.conditions } : {}),
    ...(rule.fields !== undefined ? { fields: rule.fields } : {}),
    ...(rule.inverted ? { inverted: true } : {}),
    ...(rule.reason !== undefined ? { reason: rule.reason } : {}),
  };
}
