import { startTestApp, type TestApp } from './support/app.js';
import { expectProblem } from './support/fixtures.js';
import { createOrg, join } from './support/orgs.js';
import { patchOp, scimClient, user } from './support/scim.js';
import {
  MEMBERSHIP_STATUS,
  MEMBERSHIP_STATUSES,
  statusSql,
} from '../apps/identity-server/src/members/membership-status.js';

/**
 * Seats are read from a counter the database keeps (tenant_seats), not counted per check: after
 * every kind of membership change, and under parallel creates, it equals the real count.
 */
describe('seat counter', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const drift = () =>
    t.sql(
      `SELECT s.tenant_id, s.active_members, count(m.id) FILTER (WHERE m.status = 'active')::int AS real
         FROM tenant_seats s LEFT JOIN memberships m ON m.tenant_id = s.tenant_id
        GROUP BY s.tenant_id, s.active_members
       HAVING s.active_members <> count(m.id) FILTER (WHERE m.status = 'active')`,
    );

  it('counts a seat for exactly the statuses that hold one (the trigger agrees with MEMBERSHIP_STATUS)', async () => {
    const o = await createOrg(t, { maxMembers: 50 });
    const seats = async () =>
      (
        await t.sql<{ n: number }>(
          'SELECT active_members AS n FROM tenant_seats WHERE tenant_id = $1',
          [o.tenantId],
        )
      )[0]!.n;
    for (const status of MEMBERSHIP_STATUSES) {
      const before = await seats();
      await t.sql(
        `INSERT INTO memberships (tenant_id, id, username, email, display_name, role, status, created_at, updated_at)
         VALUES ($1, gen_random_uuid(), $2, $3, NULL, 'member', $4, now(), now())`,
        [o.tenantId, `seat-${status}`, `seat-${status}@example.com`, status],
      );
      expect({ status, delta: (await seats()) - before }).toEqual({
        status,
        delta: MEMBERSHIP_STATUS[status].holdsSeat ? 1 : 0,
      });
    }
    // The partial indexes kept by migrations use the same predicates as the table.
    const [index] = await t.sql(
      `SELECT pg_get_expr(indpred, indrelid) AS predicate FROM pg_index
        WHERE indexrelid = 'memberships_tenant_active_idx'::regclass`,
    );
    const holding = MEMBERSHIP_STATUSES.filter((s) => MEMBERSHIP_STATUS[s].holdsSeat);
    expect(index.predicate).toContain(`'${holding[0]}'`);
    expect(holding).toHaveLength(1);
    expect(statusSql('status', 'holdsSeat')).toBe(`status IN ('${holding[0]}')`);
  });

  it('follows joins, suspensions, reactivations, removals and SCIM provisioning', async () => {
    const o = await createOrg(t, { maxMembers: 8 });
    const people = await Promise.all([1, 2, 3].map(() => join(t, o, 'member')));
    const patch = (id: string, body: unknown) =>
      t.request('PATCH', `/api/v1/tenants/${o.tenantId}/members/${id}`, {
        token: o.founder.accessToken,
        body,
      });
    expect((await patch(people[0]!.memberId, { status: 'suspended' })).status).toBe(200);
    expect((await patch(people[0]!.memberId, { status: 'active' })).status).toBe(200);
    expect((await patch(people[1]!.memberId, { status: 'suspended' })).status).toBe(200);
    expect(
      (
        await t.request('DELETE', `/api/v1/tenants/${o.tenantId}/members/${people[2]!.memberId}`, {
          token: o.founder.accessToken,
        })
      ).status,
    ).toBe(204);
    const scim = await scimClient(t, { tenantId: o.tenantId });
    const active = await scim.request('POST', '/Users', user('scim.active'));
    const inactive = await scim.request('POST', '/Users', user('scim.inactive', { active: false }));
    expect([active.status, inactive.status]).toEqual([201, 201]);
    expect(
      (
        await scim.request(
          'PATCH',
          `/Users/${inactive.body.id}`,
          patchOp({ op: 'replace', path: 'active', value: true }),
        )
      ).status,
    ).toBe(200);
    expect((await scim.request('DELETE', `/Users/${active.body.id}`)).status).toBe(204);
    const [row] = await t.sql('SELECT active_members FROM tenant_seats WHERE tenant_id = $1', [
      o.tenantId,
    ]);
    // founder, people[0], scim.inactive (now active)
    expect(row.active_members).toBe(3);
    const limits = await t.request('GET', `/api/v1/tenants/${o.tenantId}/limits`, {
      token: o.founder.accessToken,
    });
    expect(limits.body).toMatchObject({ maxMembers: 8, members: 3 });
    expect(await drift()).toEqual([]);
  });

  it('never lets parallel SCIM creates overshoot the limit', async () => {
    const scim = await scimClient(t, { settings: { maxMembers: 10 } });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => scim.request('POST', '/Users', user(`burst${i}`))),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    expect(results.filter((r) => r.status === 403)).toHaveLength(20);
    const [row] = await t.sql('SELECT active_members FROM tenant_seats WHERE tenant_id = $1', [
      scim.tenantId,
    ]);
    expect(row.active_members).toBe(10);
    expectProblem(
      await t.request('POST', `/api/v1/tenants/${scim.tenantId}/invitations`, {
        body: { email: 'late@example.com', username: 'late', role: 'member' },
      }),
      409,
      'seat_limit_reached',
    );
    expect(await drift()).toEqual([]);
  });
});
