import { compileAccessRules, type AccessRule } from './access-rules.js';
import { builtInRules, compilePolicy, decide, type PrincipalSnapshot } from './policy.js';

const member = (over: Partial<PrincipalSnapshot> = {}): PrincipalSnapshot => ({
  kind: 'member',
  id: 'm1',
  role: 'member',
  roleRules: builtInRules('member'),
  teams: [],
  ...over,
});

describe('policy decisions from a principal snapshot', () => {
  it('decides by the built-in role and names it', () => {
    const policy = compilePolicy(member());
    expect(decide(policy, 'read', 'Team')).toEqual({
      allowed: true,
      reason: {
        code: 'allowed_by_role',
        role: 'member',
        rule: { action: 'read', subject: ['Member', 'Team', 'Role'] },
      },
    });
    expect(decide(policy, 'update', 'Team').reason.code).toBe('no_matching_rule');
  });

  it('applies custom role rules with conditions on the subject, and fields', () => {
    const policy = compilePolicy(
      member({
        role: 'editor',
        roleRules: [
          {
            action: ['read', 'update'],
            subject: 'Document',
            conditions: { ownerId: '${member.id}' },
          },
          { action: 'read', subject: 'Document', conditions: { public: true } },
          { action: 'update', subject: 'Document', fields: ['secret'], inverted: true },
        ],
      }),
    );
    expect(decide(policy, 'update', { type: 'Document', ownerId: 'm1' }).allowed).toBe(true);
    expect(decide(policy, 'update', { type: 'Document', ownerId: 'm2' }).allowed).toBe(false);
    expect(decide(policy, 'read', { type: 'Document', ownerId: 'm2', public: true }).allowed).toBe(
      true,
    );
    const field = decide(
      policy,
      'update',
      { type: 'Document', ownerId: 'm1' },
      { field: 'secret' },
    );
    expect(field.allowed).toBe(false);
    expect(field.reason.code).toBe('denied_by_rule');
    expect(
      decide(policy, 'update', { type: 'Document', ownerId: 'm1' }, { field: 'title' }).allowed,
    ).toBe(true);
  });

  it('grants team rules to members of the team and of its sub-teams, and says which team', () => {
    const policy = compilePolicy(
      member({
        teams: [
          { id: 'team-backend', rules: [] },
          { id: 'dept-eng', rules: [{ action: 'deploy', subject: 'Service' }] },
        ],
      }),
    );
    expect(decide(policy, 'deploy', { type: 'Service', name: 'api' })).toEqual({
      allowed: true,
      reason: {
        code: 'allowed_by_team',
        role: 'member',
        teamId: 'dept-eng',
        rule: { action: 'deploy', subject: 'Service' },
      },
    });
    expect(policy.accessSubject.teamIds).toEqual(['team-backend', 'dept-eng']);
  });

  it('lets a forbidding rule win whichever source it comes from', () => {
    const policy = compilePolicy(
      member({
        role: 'admin',
        roleRules: builtInRules('admin'),
        teams: [
          { id: 'contractors', rules: [{ action: 'delete', subject: 'Member', inverted: true }] },
        ],
      }),
    );
    const decision = decide(policy, 'delete', 'Member');
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toMatchObject({ code: 'denied_by_rule', teamId: 'contractors' });
    expect(decide(policy, 'update', 'Member').allowed).toBe(true);
  });

  it('allows nothing through a role that no longer exists', () => {
    const policy = compilePolicy(member({ role: 'gone', roleRules: null }));
    expect(decide(policy, 'read', 'Member').allowed).toBe(false);
  });

  it('applies access rules before roles, with the member teams', () => {
    const rules: AccessRule[] = [
      {
        id: 'r1',
        name: 'office only',
        effect: 'allow',
        ip: { cidrs: ['10.0.0.0/8', '2001:db8::/32'] },
        appliesTo: { teamIds: ['dept-eng'] },
      },
    ];
    const accessRules = compileAccessRules(rules);
    const policy = compilePolicy(member({ teams: [{ id: 'dept-eng', rules: [] }] }));
    const at = (ip: string) =>
      decide(policy, 'read', 'Team', { accessRules, context: { ip, time: new Date() } });
    expect(at('10.1.2.3')).toMatchObject({
      allowed: true,
      reason: { code: 'allowed_by_role', accessRule: { id: 'r1', name: 'office only' } },
    });
    expect(at('2001:db8::1').allowed).toBe(true);
    expect(at('192.0.2.1')).toEqual({
      allowed: false,
      reason: { code: 'outside_allowed_access', role: 'member' },
    });
    const outsider = compilePolicy(member());
    expect(
      decide(outsider, 'read', 'Team', {
        accessRules,
        context: { ip: '192.0.2.1', time: new Date() },
      }).allowed,
    ).toBe(true);
  });

  it('shares one compiled ability among principals of a built-in role without team grants', () => {
    const a = compilePolicy(member({ id: 'a' }));
    const b = compilePolicy(member({ id: 'b' }));
    expect(a.ability).toBe(b.ability);
    expect(a.accessSubject).toEqual({ role: 'member', memberId: 'a', teamIds: [] });
    expect(b.accessSubject).toEqual({ role: 'member', memberId: 'b', teamIds: [] });
    const withTeam = compilePolicy(member({ teams: [{ id: 't', rules: [] }] }));
    expect(withTeam.ability).not.toBe(a.ability);
    expect(decide(b, 'read', 'Team').allowed).toBe(true);
  });
});
