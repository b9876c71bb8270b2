import { validatePermissionRules } from './permission-rules.js';
import {
  allowedQuery,
  compilePolicy,
  decide,
  namedActions,
  type PrincipalSnapshot,
} from './policy.js';
import type { PermissionRule } from './types.js';

const member = (
  rules: PermissionRule[],
  attributes: Record<string, unknown> = {},
): PrincipalSnapshot => ({
  kind: 'member',
  id: 'm1',
  role: 'editor',
  roleRules: rules,
  teams: [{ id: 't1', rules: [] }],
  attributes: { email: 'ann@example.com', username: 'ann', department: 'Legal', ...attributes },
});
const todo = (over: Record<string, unknown>) => ({ type: 'todo', id: 'x', ...over });

describe('placeholders in conditions', () => {
  it('reads the member: email, username, id, teams and SCIM attributes', () => {
    const policy = compilePolicy(
      member([
        { action: 'update', subject: 'todo', conditions: { ownerID: '${member.email}' } },
        { action: 'read', subject: 'todo', conditions: { department: '${member.department}' } },
        { action: 'delete', subject: 'todo', conditions: { teamId: { $in: '${member.teamIds}' } } },
        {
          action: 'share',
          subject: 'todo',
          conditions: { by: '${member.id}', as: '${member.role}' },
        },
      ]),
    );
    expect(decide(policy, 'update', todo({ ownerID: 'ann@example.com' })).allowed).toBe(true);
    expect(decide(policy, 'update', todo({ ownerID: 'bob@example.com' })).allowed).toBe(false);
    expect(decide(policy, 'read', todo({ department: 'Legal' })).allowed).toBe(true);
    expect(decide(policy, 'read', todo({ department: 'Sales' })).allowed).toBe(false);
    expect(decide(policy, 'delete', todo({ teamId: 't1' })).allowed).toBe(true);
    expect(decide(policy, 'share', todo({ by: 'm1', as: 'editor' })).allowed).toBe(true);
  });

  it('reads the request: subject and action properties and the context', () => {
    const policy = compilePolicy(
      member([
        {
          action: 'read',
          subject: 'doc',
          conditions: { level: { $lte: '${subject.properties.clearance}' } },
        },
        { action: 'approve', subject: 'doc', conditions: { region: '${context.region}' } },
        {
          action: 'approve',
          subject: 'doc',
          conditions: { region: '${action.properties.region}' },
          inverted: true,
        },
      ]),
    );
    const doc = { type: 'doc', level: 2, region: 'eu' };
    const ask = (action: string, request: Record<string, unknown>) =>
      decide(policy, action, doc, { request }).allowed;
    expect(ask('read', { subject: { id: 'ann', properties: { clearance: 3 } } })).toBe(true);
    expect(ask('read', { subject: { id: 'ann', properties: { clearance: 1 } } })).toBe(false);
    const us = { properties: { region: 'us' } };
    expect(ask('approve', { context: { region: 'eu' }, action: us })).toBe(true);
    // The forbidding rule's value is missing: it forbids.
    expect(ask('approve', { context: { region: 'eu' } })).toBe(false);
    expect(
      ask('approve', { context: { region: 'eu' }, action: { properties: { region: 'eu' } } }),
    ).toBe(false);
  });

  it('never opens anything with a missing value, and forbids without it', () => {
    const policy = compilePolicy(
      member(
        [
          { action: 'read', subject: 'doc' },
          { action: 'update', subject: 'doc', conditions: { owner: '${member.costCenter}' } },
          {
            action: 'read',
            subject: 'doc',
            conditions: { owner: '${subject.properties.x}' },
            inverted: true,
          },
        ],
        {},
      ),
    );
    // No costCenter: the allowing rule does not apply, even to a doc without an owner.
    expect(decide(policy, 'update', { type: 'doc' }).allowed).toBe(false);
    // No subject.properties.x: the forbidding rule applies to every doc.
    expect(decide(policy, 'read', { type: 'doc', owner: 'a' }, { request: {} }).allowed).toBe(
      false,
    );
    expect(
      decide(
        policy,
        'read',
        { type: 'doc', owner: 'a' },
        { request: { subject: { properties: { x: 'b' } } } },
      ).allowed,
    ).toBe(true);
  });

  it('are validated: unknown ones are refused with their path', () => {
    expect(
      validatePermissionRules([
        {
          action: 'read',
          subject: 'doc',
          conditions: { a: '${member.email}', b: { $in: '${subject.properties.tags}' } },
        },
      ]),
    ).toEqual([]);
    expect(
      validatePermissionRules([
        { action: 'read', subject: 'doc', conditions: { a: '${resource.x}' } },
      ]),
    ).toEqual([
      {
        field: 'permissions[0].conditions.a',
        message: expect.stringMatching(/unknown placeholder/),
      },
    ]);
  });

  it('lists the actions a policy names for a type, and whether it manages it', () => {
    const policy = compilePolicy(
      member([
        { action: ['view', 'edit'], subject: 'record' },
        { action: 'delete', subject: 'record', conditions: { owner: '${subject.id}' } },
        { action: 'manage', subject: 'all' },
        { action: 'purge', subject: 'record', inverted: true },
      ]),
    );
    expect(namedActions(policy, 'record')).toEqual({
      names: ['view', 'edit', 'delete'],
      manage: true,
    });
  });
});

describe('allowedQuery', () => {
  it('is null for nothing, {} for everything, and forbidding rules bound the allowing ones', () => {
    const policy = (rules: PermissionRule[]) => compilePolicy(member(rules)).ability;
    expect(allowedQuery(policy([]), 'view', 'record')).toBeNull();
    expect(allowedQuery(policy([{ action: 'view', subject: 'record' }]), 'view', 'record')).toEqual(
      {},
    );
    const q = allowedQuery(
      policy([
        { action: 'view', subject: 'record', conditions: { department: '${member.department}' } },
        { action: 'view', subject: 'record', conditions: { ownerMemberId: '${member.id}' } },
        { action: 'view', subject: 'record', conditions: { secret: true }, inverted: true },
      ]),
      'view',
      'record',
    );
    expect(q).toEqual({
      $or: [
        { $and: [{ ownerMemberId: 'm1' }, { $nor: [{ secret: true }] }] },
        { $and: [{ department: 'Legal' }, { $nor: [{ secret: true }] }] },
      ],
    });
  });
});
