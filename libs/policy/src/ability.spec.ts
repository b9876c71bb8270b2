import { BUILT_IN_ROLE_KEYS, BUILT_IN_ROLES, canGrantRole, type BuiltInRoleKey } from './roles.js';
import { rolesAllowed } from './ability.js';
import { builtInRules, compilePolicy, decide } from './policy.js';

describe('built-in role matrix', () => {
  it.each<[BuiltInRoleKey, string, string, boolean]>([
    ['admin', 'update', 'Tenant', true],
    ['admin', 'read', 'AuditEvent', true],
    ['admin', 'delete', 'ApiKey', true],
    ['admin', 'read', 'Document', true],
    ['manager', 'create', 'Invitation', true],
    ['manager', 'update', 'Team', true],
    ['manager', 'update', 'Tenant', false],
    ['manager', 'create', 'ApiKey', false],
    ['developer', 'create', 'ApiKey', true],
    ['developer', 'delete', 'ApiKey', true],
    ['developer', 'read', 'AuditEvent', false],
    ['viewer', 'read', 'Member', true],
    ['viewer', 'update', 'Member', false],
    ['viewer', 'create', 'ApiKey', false],
    ['member', 'read', 'Team', true],
    ['member', 'read', 'Invitation', false],
    ['guest', 'read', 'Member', true],
    ['guest', 'read', 'Tenant', false],
  ])('%s may %s %s: %s', (role, action, subject, allowed) => {
    const policy = compilePolicy({
      kind: 'member',
      id: 'm',
      role,
      roleRules: builtInRules(role),
      teams: [],
    });
    const decision = decide(policy, action, subject);
    expect(decision.allowed).toBe(allowed);
    expect(decision.reason.role).toBe(role);
    expect(decision.reason.code).toBe(allowed ? 'allowed_by_role' : 'no_matching_rule');
    if (allowed) expect(decision.reason.rule).toBeDefined();
  });

  it('names the roles that hold a permission', () => {
    expect(rolesAllowed('update', 'Tenant')).toEqual(['admin']);
    expect(rolesAllowed('create', 'ApiKey')).toEqual(['admin', 'developer']);
    expect(rolesAllowed('read', 'Member')).toEqual([
      'admin',
      'manager',
      'developer',
      'viewer',
      'member',
      'guest',
    ]);
  });

  it('defines every built-in role with a name and a description', () => {
    for (const key of BUILT_IN_ROLE_KEYS) {
      expect(BUILT_IN_ROLES[key].key).toBe(key);
      expect(BUILT_IN_ROLES[key].name.length).toBeGreaterThan(0);
      expect(BUILT_IN_ROLES[key].description.length).toBeGreaterThan(0);
    }
  });

  it.each<[BuiltInRoleKey, BuiltInRoleKey, boolean]>([
    ['admin', 'admin', true],
    ['developer', 'developer', true],
    ['developer', 'viewer', true],
    ['developer', 'admin', false],
    ['developer', 'manager', false],
    ['viewer', 'guest', true],
    ['manager', 'developer', false],
  ])('a %s may grant %s: %s', (granter, role, expected) => {
    expect(canGrantRole(granter, role)).toBe(expected);
  });
});
