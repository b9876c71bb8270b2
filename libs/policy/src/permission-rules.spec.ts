import { compilePolicy, decide } from './policy.js';
import { validatePermissionRules } from './permission-rules.js';

describe('permission rule validation', () => {
  it('accepts CASL-style rules with known operators', () => {
    expect(
      validatePermissionRules([
        { action: 'read', subject: 'Document' },
        { action: ['read', 'update'], subject: ['Document', 'Folder'], fields: ['title'] },
        {
          action: 'update',
          subject: 'Document',
          conditions: {
            ownerId: '${member.id}',
            teamId: { $in: '${member.teamIds}' },
            'meta.size': { $lte: 100 },
            tags: { $elemMatch: { name: { $eq: 'x' } } },
            status: { $in: ['draft', 'review'] },
          },
          inverted: false,
          reason: 'owners edit drafts',
        },
      ]),
    ).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['not an array', { action: 'read' }, 'permissions'],
    ['a rule that is not an object', ['read'], 'permissions[0]'],
    ['missing action', [{ subject: 'Document' }], 'permissions[0].action'],
    ['empty subject list', [{ action: 'read', subject: [] }], 'permissions[0].subject'],
    ['odd names', [{ action: 'read all', subject: 'Document' }], 'permissions[0].action'],
    ['unknown property', [{ action: 'read', subject: 'D', effect: 'x' }], 'permissions[0].effect'],
    [
      'unknown operator',
      [{ action: 'read', subject: 'D', conditions: { a: { $foo: 1 } } }],
      'permissions[0].conditions.a.$foo',
    ],
    [
      'regex is not offered',
      [{ action: 'read', subject: 'D', conditions: { a: { $regex: '(' } } }],
      'permissions[0].conditions.a.$regex',
    ],
    [
      'top-level operator',
      [{ action: 'read', subject: 'D', conditions: { $or: [] } }],
      'permissions[0].conditions.$or',
    ],
    [
      '$in without an array',
      [{ action: 'read', subject: 'D', conditions: { a: { $in: 3 } } }],
      'permissions[0].conditions.a.$in',
    ],
    [
      'operator hidden in a value',
      [{ action: 'read', subject: 'D', conditions: { a: [{ $where: 1 }] } }],
      'permissions[0].conditions.a[0].$where',
    ],
    [
      'prototype key',
      [{ action: 'read', subject: 'D', conditions: JSON.parse('{"__proto__": 1}') }],
      'permissions[0].conditions.__proto__',
    ],
    [
      'inverted not boolean',
      [{ action: 'read', subject: 'D', inverted: 'yes' }],
      'permissions[0].inverted',
    ],
    [
      'conditions not an object',
      [{ action: 'read', subject: 'D', conditions: [1] }],
      'permissions[0].conditions',
    ],
    [
      'too many rules',
      Array.from({ length: 101 }, () => ({ action: 'read', subject: 'D' })),
      'permissions',
    ],
  ])('refuses %s, naming the field', (_what, rules, field) => {
    const problems = validatePermissionRules(rules);
    expect(problems.map((p) => p.field)).toContain(field);
  });

  it('refuses conditions nested too deep', () => {
    let conditions: Record<string, unknown> = { a: 1 };
    for (let i = 0; i < 10; i++) conditions = { a: { $elemMatch: conditions } };
    expect(validatePermissionRules([{ action: 'read', subject: 'D', conditions }])).not.toEqual([]);
  });

  it('accepted rules never throw at decision time, whatever the subject holds', () => {
    const rules = [
      {
        action: 'read',
        subject: 'D',
        conditions: { a: { $gt: 3 }, b: { $size: 2 }, c: { $all: [1] } },
      },
      { action: 'read', subject: 'D', conditions: { tags: { $elemMatch: { n: { $gte: 'a' } } } } },
    ];
    expect(validatePermissionRules(rules)).toEqual([]);
    const policy = compilePolicy({
      kind: 'member',
      id: 'm',
      role: 'r',
      roleRules: rules,
      teams: [],
    });
    for (const value of [null, 'x', 5, [], {}, [null], { n: {} }, true])
      expect(() =>
        decide(policy, 'read', { type: 'D', a: value, b: value, c: value, tags: value }),
      ).not.toThrow();
  });

  it('a forbidding condition that cannot be evaluated forbids', () => {
    const policy = compilePolicy({
      kind: 'member',
      id: 'm',
      role: 'r',
      roleRules: [
        { action: 'read', subject: 'D' },
        {
          action: 'read',
          subject: 'D',
          inverted: true,
          conditions: { tags: { $elemMatch: { n: { $gte: 1 } } } },
        },
      ],
      teams: [],
    });
    expect(decide(policy, 'read', { type: 'D', tags: [null] }).allowed).toBe(false);
    expect(decide(policy, 'read', { type: 'D', tags: [{ n: 0 }] }).allowed).toBe(true);
  });
});
