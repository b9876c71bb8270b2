import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from './support/app.js';
import { createKey, expectProblem } from './support/fixtures.js';
import { createOrg, join, type Org } from './support/orgs.js';

/**
 * Members: listing, role and status changes, removal, and the guardrails under parallel requests.
 * Members join through real invitations (invite, sign up, accept).
 */
describe('members', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const org = () => createOrg(t);

  async function addMember(o: Org, role: string, status = 'active') {
    const person = await join(t, o, role);
    if (status === 'suspended')
      await patch(o, o.founder.accessToken, person.memberId, { status: 'suspended' });
    return person;
  }

  const members = (o: Org, token: string, query = '') =>
    t.request('GET', `/api/v1/tenants/${o.tenantId}/members${query}`, { token });
  const patch = (o: Org, token: string, id: string, body: unknown) =>
    t.request('PATCH', `/api/v1/tenants/${o.tenantId}/members/${id}`, { token, body });
  const remove = (o: Org, token: string, id: string) =>
    t.request('DELETE', `/api/v1/tenants/${o.tenantId}/members/${id}`, { token });

  it('lists members with filters and pages', async () => {
    const o = await org();
    const dev = await addMember(o, 'developer');
    await addMember(o, 'viewer');
    await addMember(o, 'viewer', 'suspended');
    const all = await members(o, o.founder.accessToken);
    expect(all.status).toBe(200);
    expect(all.body.data).toHaveLength(4);
    expect(all.body.data[0]).toMatchObject({
      id: o.founder.memberId,
      role: 'admin',
      status: 'active',
      teams: [],
      userId: expect.any(String),
      lastActiveAt: expect.any(String),
    });
    expect((await members(o, o.founder.accessToken, '?role=viewer')).body.data).toHaveLength(2);
    expect((await members(o, o.founder.accessToken, `?teamId=${randomUUID()}`)).body.data).toEqual(
      [],
    );
    expect((await members(o, o.founder.accessToken, '?status=suspended')).body.data).toHaveLength(
      1,
    );
    const [devRow] = await t.sql('SELECT username FROM memberships WHERE id = $1', [dev.memberId]);
    expect(
      (
        await members(o, o.founder.accessToken, `?q=${devRow.username.slice(0, 9).toUpperCase()}`)
      ).body.data.map((m: any) => m.id),
    ).toEqual([dev.memberId]);
    const page1 = await members(o, o.founder.accessToken, '?limit=3');
    const page2 = await members(
      o,
      o.founder.accessToken,
      `?limit=3&cursor=${page1.body.nextCursor}`,
    );
    expect([...page1.body.data, ...page2.body.data].map((m: any) => m.id)).toEqual(
      all.body.data.map((m: any) => m.id),
    );
    expect(page2.body.nextCursor).toBeNull();
    // any member may list; a developer sees everyone
    expect((await members(o, dev.accessToken)).body.data).toHaveLength(4);
  });

  it('shows a guest only themself', async () => {
    const o = await org();
    const guest = await addMember(o, 'guest');
    expect((await members(o, guest.accessToken)).body.data.map((m: any) => m.id)).toEqual([
      guest.memberId,
    ]);
    expect(
      (
        await t.request('GET', `/api/v1/tenants/${o.tenantId}/members/${guest.memberId}`, {
          token: guest.accessToken,
        })
      ).status,
    ).toBe(200);
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${o.tenantId}/members/${o.founder.memberId}`, {
        token: guest.accessToken,
      }),
      403,
      'admin_required',
    );
  });

  it('changes a role, suspends and reactivates, with audit events, taking effect on the next request', async () => {
    const o = await org();
    const viewer = await addMember(o, 'viewer');
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${o.tenantId}/audit-events`, {
        token: viewer.accessToken,
      }),
      403,
      'admin_required',
    );
    const promoted = await patch(o, o.founder.accessToken, viewer.memberId, { role: 'admin' });
    expect(promoted.body).toMatchObject({ role: 'admin' });
    expect(
      (
        await t.request('GET', `/api/v1/tenants/${o.tenantId}/audit-events`, {
          token: viewer.accessToken,
        })
      ).status,
    ).toBe(200);

    expect(
      (await patch(o, o.founder.accessToken, viewer.memberId, { status: 'suspended' })).body.status,
    ).toBe('suspended');
    expectProblem(await members(o, viewer.accessToken), 403, 'member_suspended');
    expect(
      (await patch(o, o.founder.accessToken, viewer.memberId, { status: 'active' })).body.status,
    ).toBe('active');
    expect((await members(o, viewer.accessToken)).status).toBe(200);

    const events = await t.request(
      'GET',
      `/api/v1/tenants/${o.tenantId}/audit-events?targetId=${viewer.memberId}`,
      { token: o.founder.accessToken },
    );
    expect(events.body.data.map((e: any) => [e.type, e.changes])).toEqual([
      ['member.role_changed', { before: { role: 'viewer' }, after: { role: 'admin' } }],
      ['member.suspended', { before: { status: 'active' }, after: { status: 'suspended' } }],
      ['member.reactivated', { before: { status: 'suspended' }, after: { status: 'active' } }],
    ]);
  });

  it('removes a member: access ends at once, the record stays and cannot be changed', async () => {
    const o = await org();
    const member = await addMember(o, 'member');
    expect((await remove(o, o.founder.accessToken, member.memberId)).status).toBe(204);
    expectProblem(await members(o, member.accessToken), 404, 'tenant_not_found');
    expect(
      (await members(o, o.founder.accessToken, '?status=removed')).body.data.map((m: any) => m.id),
    ).toEqual([member.memberId]);
    expectProblem(
      await patch(o, o.founder.accessToken, member.memberId, { role: 'admin' }),
      409,
      'member_removed',
    );
    expectProblem(await remove(o, o.founder.accessToken, member.memberId), 409, 'member_removed');
  });

  it('keeps at least one active Administrator and refuses self-removal', async () => {
    const o = await org();
    const before = await t.sql(
      'SELECT id, role, status FROM memberships WHERE tenant_id = $1 ORDER BY id',
      [o.tenantId],
    );
    expectProblem(
      await patch(o, o.founder.accessToken, o.founder.memberId, { role: 'viewer' }),
      409,
      'last_admin',
    );
    expectProblem(
      await patch(o, o.founder.accessToken, o.founder.memberId, { status: 'suspended' }),
      409,
      'last_admin',
    );
    expectProblem(
      await remove(o, o.founder.accessToken, o.founder.memberId),
      409,
      'cannot_remove_self',
    );
    const key = await createKey(t, o.tenantId, 'admin', o.founder.accessToken);
    expectProblem(await remove(o, key.key, o.founder.memberId), 409, 'last_admin');
    expect(
      await t.sql('SELECT id, role, status FROM memberships WHERE tenant_id = $1 ORDER BY id', [
        o.tenantId,
      ]),
    ).toEqual(before);
  });

  it('lets exactly one of two admins demote the other at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const o = await org();
      const other = await addMember(o, 'admin');
      const [a, b] = await Promise.all([
        patch(o, o.founder.accessToken, other.memberId, { role: 'member' }),
        patch(o, other.accessToken, o.founder.memberId, { role: 'member' }),
      ]);
      const statuses = [a.status, b.status].sort();
      // the loser is refused either as last admin, or because it is no longer an admin
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      const admins = await t.sql(
        `SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1 AND role = 'admin' AND status = 'active'`,
        [o.tenantId],
      );
      expect(admins).toEqual([{ n: 1 }]);
    }
  });

  it('refuses non-admins, bad input and foreign members, changing nothing', async () => {
    const o = await org();
    const other = await org();
    const manager = await addMember(o, 'manager');
    const before = await t.sql('SELECT id, role, status FROM memberships ORDER BY id');
    expectProblem(
      await patch(o, manager.accessToken, o.founder.memberId, { role: 'guest' }),
      403,
      'admin_required',
    );
    expect(
      (await patch(o, manager.accessToken, o.founder.memberId, { role: 'guest' })).body.detail,
    ).toBe('Admin access required');
    expectProblem(await remove(o, manager.accessToken, o.founder.memberId), 403, 'admin_required');
    expectProblem(
      await patch(o, o.founder.accessToken, manager.memberId, { role: 'owner' }),
      400,
      'validation_failed',
    );
    expectProblem(
      await patch(o, o.founder.accessToken, manager.memberId, { status: 'removed' }),
      400,
      'validation_failed',
    );
    expectProblem(
      await patch(o, o.founder.accessToken, manager.memberId, { email: 'x@y.z' }),
      400,
      'validation_failed',
    );
    expectProblem(
      await patch(o, o.founder.accessToken, 'nope', { role: 'admin' }),
      404,
      'member_not_found',
    );
    expectProblem(
      await patch(o, o.founder.accessToken, other.founder.memberId, { role: 'viewer' }),
      404,
      'member_not_found',
    );
    expectProblem(
      await remove(o, o.founder.accessToken, other.founder.memberId),
      404,
      'member_not_found',
    );
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${o.tenantId}/members/${other.founder.memberId}`, {
        token: o.founder.accessToken,
      }),
      404,
      'member_not_found',
    );
    expectProblem(await members(other, o.founder.accessToken), 404, 'tenant_not_found');
    expectProblem(await members(o, o.founder.accessToken, '?role=owner'), 400, 'validation_failed');
    expect(await t.sql('SELECT id, role, status FROM memberships ORDER BY id')).toEqual(before);
  });
});
