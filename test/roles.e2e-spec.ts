import { startTestApp, type TestApp } from './support/app.js';
import { createKey, expectProblem } from './support/fixtures.js';
import { createOrg, join, type Org } from './support/orgs.js';

/** Built-in and custom roles: CRUD, validation, use by members, keys and invitations. */
describe('roles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const roles = (o: Org, token = o.founder.accessToken) =>
    t.request('GET', `/api/v1/tenants/${o.tenantId}/roles`, { token });
  const createRole = (o: Org, body: unknown, token = o.founder.accessToken) =>
    t.request('POST', `/api/v1/tenants/${o.tenantId}/roles`, { token, body });
  const patchRole = (o: Org, key: string, body: unknown, token = o.founder.accessToken) =>
    t.request('PATCH', `/api/v1/tenants/${o.tenantId}/roles/${key}`, { token, body });
  const deleteRole = (o: Org, key: string, token = o.founder.accessToken) =>
    t.request('DELETE', `/api/v1/tenants/${o.tenantId}/roles/${key}`, { token });
  const setRole = (o: Org, memberId: string, role: string) =>
    t.request('PATCH', `/api/v1/tenants/${o.tenantId}/members/${memberId}`, {
      token: o.founder.accessToken,
      body: { role },
    });
  const auditor = {
    key: 'auditor',
    name: 'Auditor',
    description: 'Reads the audit trail',
    permissions: [
      { action: 'read', subject: ['AuditEvent', 'Member'] },
      { action: 'read', subject: 'Member', fields: ['email'], inverted: true },
    ],
  };

  it('lists the built-in roles with their permissions, then the tenant’s own', async () => {
    const o = await createOrg(t);
    const res = await roles(o);
    expect(res.status).toBe(200);
    expect(res.body.data.map((r: { key: string }) => r.key)).toEqual([
      'admin',
      'manager',
      'developer',
      'viewer',
      'member',
      'guest',
    ]);
    expect(res.body.data[0]).toMatchObject({
      key: 'admin',
      name: 'Administrator',
      builtIn: true,
      permissions: [{ action: 'manage', subject: 'all' }],
    });
    expect((await createRole(o, auditor)).status).toBe(201);
    const after = await roles(o);
    expect(after.body.data).toHaveLength(7);
    expect(after.body.data[6]).toMatchObject({ ...auditor, builtIn: false });
    const member = await join(t, o, 'member');
    expect((await roles(o, member.accessToken)).status).toBe(200);
    expect(
      (
        await t.request('GET', `/api/v1/tenants/${o.tenantId}/roles/auditor`, {
          token: member.accessToken,
        })
      ).body,
    ).toMatchObject({ key: 'auditor', permissions: auditor.permissions });
  });

  it('gives a member a custom role whose rules decide their requests, and a change holds at once', async () => {
    const o = await createOrg(t);
    const person = await join(t, o, 'member');
    const auditTrail = () =>
      t.request('GET', `/api/v1/tenants/${o.tenantId}/audit-events`, {
        token: person.accessToken,
      });
    expectProblem(await auditTrail(), 403, 'admin_required');
    const denials = await t.request(
      'GET',
      `/api/v1/tenants/${o.tenantId}/audit-events?type=access.denied`,
      { token: o.founder.accessToken },
    );
    expect(denials.body.data[0]).toMatchObject({
      actor: { type: 'account' },
      target: { type: 'route', id: 'GET /api/v1/tenants/:tenantId/audit-events' },
      changes: { after: { code: 'admin_required', permission: 'read AuditEvent' } },
    });
    expect((await createRole(o, auditor)).status).toBe(201);
    const assigned = await setRole(o, person.memberId, 'auditor');
    expect(assigned.status).toBe(200);
    expect(assigned.body.role).toBe('auditor');
    expect((await auditTrail()).status).toBe(200);
    // the member list is readable, but the guard of a route asks about types, not fields
    expect(
      (
        await t.request('GET', `/api/v1/tenants/${o.tenantId}/members`, {
          token: person.accessToken,
        })
      ).status,
    ).toBe(200);

    const narrowed = await patchRole(o, 'auditor', {
      permissions: [{ action: 'read', subject: 'Member' }],
    });
    expect(narrowed.status).toBe(200);
    expectProblem(await auditTrail(), 403, 'admin_required');

    const events = await t.request(
      'GET',
      `/api/v1/tenants/${o.tenantId}/audit-events?type=role.updated`,
      { token: o.founder.accessToken },
    );
    expect(events.body.data[0]).toMatchObject({
      type: 'role.updated',
      target: { type: 'role', id: 'auditor' },
      changes: {
        before: { permissions: auditor.permissions },
        after: { permissions: [{ action: 'read', subject: 'Member' }] },
      },
    });
  });

  it('decides /authorize by custom-role conditions, fields and the member’s own id', async () => {
    const o = await createOrg(t);
    const person = await join(t, o, 'member');
    expect(
      (
        await createRole(o, {
          key: 'author',
          name: 'Author',
          permissions: [
            {
              action: ['read', 'update'],
              subject: 'Document',
              conditions: { ownerId: '${member.id}' },
            },
            { action: 'read', subject: 'Document', conditions: { status: { $in: ['published'] } } },
            {
              action: 'update',
              subject: 'Document',
              fields: ['owner'],
              inverted: true,
              reason: 'owners stay',
            },
          ],
        })
      ).status,
    ).toBe(201);
    expect((await setRole(o, person.memberId, 'author')).status).toBe(200);
    const key = await createKey(t, o.tenantId, 'admin', o.founder.accessToken);
    const decide = async (action: string, subject: Record<string, unknown>, field?: string) =>
      (
        await t.request('POST', `/api/v1/tenants/${o.tenantId}/authorize`, {
          token: key.key,
          body: { memberId: person.memberId, action, subject, ...(field ? { field } : {}) },
        })
      ).body;
    expect(await decide('update', { type: 'Document', ownerId: person.memberId })).toMatchObject({
      allowed: true,
      reason: {
        code: 'allowed_by_role',
        role: 'author',
        rule: { conditions: { ownerId: '${member.id}' } },
      },
    });
    expect((await decide('update', { type: 'Document', ownerId: 'someone' })).allowed).toBe(false);
    expect((await decide('read', { type: 'Document', status: 'published' })).allowed).toBe(true);
    expect((await decide('read', { type: 'Document', status: 'draft' })).allowed).toBe(false);
    expect(
      await decide('update', { type: 'Document', ownerId: person.memberId }, 'owner'),
    ).toMatchObject({
      allowed: false,
      reason: { code: 'denied_by_rule', rule: { reason: 'owners stay' } },
    });
  });

  it('lets keys and invitations carry a custom role; only Administrators hand one out', async () => {
    const o = await createOrg(t);
    expect((await createRole(o, auditor)).status).toBe(201);
    const key = await createKey(t, o.tenantId, 'auditor', o.founder.accessToken);
    const asKey = (path: string) =>
      t.request('GET', `/api/v1/tenants/${o.tenantId}${path}`, { token: key.key });
    expect((await asKey('/audit-events')).status).toBe(200);
    expectProblem(await asKey('/api-keys'), 403, 'permission_denied');
    const invited = await join(t, o, 'auditor');
    const [row] = await t.sql('SELECT role FROM memberships WHERE id = $1', [invited.memberId]);
    expect(row.role).toBe('auditor');
    const manager = await join(t, o, 'manager');
    expectProblem(
      await t.request('POST', `/api/v1/tenants/${o.tenantId}/invitations`, {
        token: manager.accessToken,
        body: { email: 'x@example.com', username: 'x', role: 'auditor' },
      }),
      403,
      'role_escalation',
    );
    expectProblem(
      await createRole(o, { ...auditor, key: 'other' }, manager.accessToken),
      403,
      'admin_required',
    );
  });

  it('lets a custom role change members, but never hand out a role above it', async () => {
    const o = await createOrg(t);
    const permissions = [{ action: ['read', 'update'], subject: 'Member' }];
    expect(
      (await createRole(o, { key: 'people-ops', name: 'People ops', permissions })).status,
    ).toBe(201);
    const ops = await join(t, o, 'people-ops');
    const colleague = await join(t, o, 'member');
    const patch = (role: string) =>
      t.request('PATCH', `/api/v1/tenants/${o.tenantId}/members/${colleague.memberId}`, {
        token: ops.accessToken,
        body: { role },
      });
    expect((await patch('viewer')).status).toBe(200);
    expectProblem(await patch('admin'), 403, 'role_escalation');
    expectProblem(
      await t.request('PATCH', `/api/v1/tenants/${o.tenantId}/members/${ops.memberId}`, {
        token: ops.accessToken,
        body: { role: 'admin' },
      }),
      403,
      'role_escalation',
    );
    const [row] = await t.sql('SELECT role FROM memberships WHERE id = $1', [colleague.memberId]);
    expect(row.role).toBe('viewer');
  });

  it('refuses to delete a role still held, or a built-in one', async () => {
    const o = await createOrg(t);
    expect((await createRole(o, auditor)).status).toBe(201);
    const person = await join(t, o, 'auditor');
    const key = await createKey(t, o.tenantId, 'auditor', o.founder.accessToken);
    const refused = await deleteRole(o, 'auditor');
    expectProblem(refused, 409, 'role_in_use');
    expect(refused.body.detail).toContain('1 member(s)');
    expect(refused.body.detail).toContain('1 API key(s)');
    expect((await setRole(o, person.memberId, 'viewer')).status).toBe(200);
    expect(
      (
        await t.request('DELETE', `/api/v1/tenants/${o.tenantId}/api-keys/${key.id}`, {
          token: o.founder.accessToken,
        })
      ).status,
    ).toBe(204);
    expect((await deleteRole(o, 'auditor')).status).toBe(204);
    expectProblem(await deleteRole(o, 'auditor'), 404, 'role_not_found');
    expectProblem(await deleteRole(o, 'admin'), 409, 'role_built_in');
    expectProblem(await patchRole(o, 'viewer', { name: 'Reader' }), 409, 'role_built_in');
    expect((await roles(o)).body.data).toHaveLength(6);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a built-in key', { key: 'admin' }, 'role_exists'],
    ['an upper-case key', { key: 'Auditor' }, 'validation_failed'],
    ['a one-letter key', { key: 'a' }, 'validation_failed'],
    ['no name', { name: '' }, 'validation_failed'],
    ['rules that are not a list', { permissions: { action: 'read' } }, 'validation_failed'],
    [
      'an unknown operator',
      { permissions: [{ action: 'read', subject: 'D', conditions: { a: { $where: 'x' } } }] },
      'validation_failed',
    ],
    [
      'a regular expression',
      { permissions: [{ action: 'read', subject: 'D', conditions: { a: { $regex: '(a+)+$' } } }] },
      'validation_failed',
    ],
    ['a rule without subject', { permissions: [{ action: 'read' }] }, 'validation_failed'],
    ['a null rule', { permissions: [null] }, 'validation_failed'],
    ['an unknown property', { extra: true }, 'validation_failed'],
    [
      'a prototype key in the conditions',
      { permissions: [{ action: 'read', subject: 'D', conditions: { a: { prototype: 1 } } }] },
      'forbidden_key',
    ],
  ])('refuses %s, storing nothing', async (_what, change, code) => {
    const o = await createOrg(t);
    const res = await createRole(o, { ...auditor, ...change });
    expectProblem(res, code === 'role_exists' ? 409 : 400, code);
    if (code === 'validation_failed') expect(res.body.errors.length).toBeGreaterThan(0);
    expect(await t.sql('SELECT * FROM roles WHERE tenant_id = $1', [o.tenantId])).toEqual([]);
  });

  it('stores rule conditions exactly as sent, keys named like Object.prototype members included', async () => {
    const o = await createOrg(t);
    const permissions = [
      { action: 'read', subject: 'Document', conditions: { toString: 'x', meta: { valueOf: 2 } } },
    ];
    const res = await createRole(o, { ...auditor, permissions });
    expect(res.status).toBe(201);
    expect(res.body.permissions).toEqual(permissions);
  });

  it('names the bad rule and operator in the field errors', async () => {
    const o = await createOrg(t);
    const res = await createRole(o, {
      ...auditor,
      permissions: [
        { action: 'read', subject: 'Member' },
        { action: 'read', subject: 'Document', conditions: { size: { $foo: 3 } } },
      ],
    });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors).toEqual([
      {
        field: 'permissions[1].conditions.size.$foo',
        message: expect.stringContaining('unknown condition operator'),
      },
    ]);
  });

  it('refuses assigning a role the tenant does not have, including another tenant’s', async () => {
    const a = await createOrg(t);
    const b = await createOrg(t);
    expect((await createRole(b, auditor)).status).toBe(201);
    const person = await join(t, a, 'member');
    const res = await setRole(a, person.memberId, 'auditor');
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors[0].field).toBe('role');
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${a.tenantId}/roles/auditor`, {
        token: a.founder.accessToken,
      }),
      404,
      'role_not_found',
    );
    expectProblem(await roles(b, a.founder.accessToken), 404, 'tenant_not_found');
    expectProblem(await deleteRole(b, 'auditor', a.founder.accessToken), 404, 'tenant_not_found');
    const [row] = await t.sql('SELECT role FROM memberships WHERE id = $1', [person.memberId]);
    expect(row.role).toBe('member');
  });

  it('never leaves a member holding a deleted role when deletion and assignment race', async () => {
    const o = await createOrg(t, { maxMembers: 30 });
    const people = await Promise.all(Array.from({ length: 6 }, () => join(t, o, 'member')));
    for (let round = 0; round < 3; round++) {
      expect((await createRole(o, auditor)).status).toBe(201);
      const results = await Promise.all([
        deleteRole(o, 'auditor'),
        ...people.map((p) => setRole(o, p.memberId, 'auditor')),
      ]);
      const [deleted, ...assigned] = results;
      const holders = await t.sql(
        `SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1 AND role = 'auditor'`,
        [o.tenantId],
      );
      const exists = await t.sql(`SELECT 1 FROM roles WHERE tenant_id = $1 AND key = 'auditor'`, [
        o.tenantId,
      ]);
      if (deleted?.status === 204) {
        expect(exists).toEqual([]);
        expect(holders[0].n).toBe(0);
      } else {
        expect(deleted?.status).toBe(409);
        expect(exists).toHaveLength(1);
      }
      expect(holders[0].n).toBe(assigned.filter((r) => r.status === 200).length);
      for (const p of people) await setRole(o, p.memberId, 'member');
      await deleteRole(o, 'auditor');
    }
  });
});
