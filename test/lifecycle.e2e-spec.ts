import { startTestApp, type TestApp } from './support/app.js';
import { expectProblem } from './support/fixtures.js';
import { createOrg, join } from './support/orgs.js';
import { expectScimError, patchOp, scimClient, user, type ScimClient } from './support/scim.js';

/**
 * One place for each rule: the failures that came from the members API, SCIM and invitations
 * each writing memberships themselves (issue #11). Each test fails on the code before the
 * membership lifecycle; the parallel ones send their requests in parallel.
 */
describe('membership lifecycle: every way in keeps the same rules', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const activeCount = async (tenantId: string) =>
    (
      await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1 AND status = 'active'`,
        [tenantId],
      )
    )[0]!.n;

  it('1. a full tenant refuses reactivations through the members API, also six in parallel', async () => {
    const o = await createOrg(t, { maxMembers: 8 });
    const people = await Promise.all([1, 2, 3, 4, 5, 6].map(() => join(t, o, 'member')));
    const patch = (id: string, status: string) =>
      t.request('PATCH', `/api/v1/tenants/${o.tenantId}/members/${id}`, {
        token: o.founder.accessToken,
        body: { status },
      });
    for (const p of people) expect((await patch(p.memberId, 'suspended')).status).toBe(200);
    // 1 active (the founder); lower the limit to 3 and try to bring all six back at once.
    expect(
      (
        await t.request('PATCH', `/api/v1/tenants/${o.tenantId}`, {
          token: o.founder.accessToken,
          body: { settings: { maxMembers: 3 } },
        })
      ).status,
    ).toBe(200);
    const answers = await Promise.all(people.map((p) => patch(p.memberId, 'active')));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 409, 409, 409, 409]);
    for (const refused of answers.filter((a) => a.status === 409))
      expectProblem(refused, 409, 'seat_limit_reached');
    expect(await activeCount(o.tenantId)).toBe(3);
    // The same rule over SCIM, for the same member.
    const scim = await scimClient(t, { tenantId: o.tenantId });
    const still = answers.findIndex((a) => a.status === 409);
    const res = await scim.request(
      'PATCH',
      `/Users/${people[still]!.memberId}`,
      patchOp({ op: 'replace', path: 'active', value: true }),
    );
    expectScimError(res, 403);
    expect(await activeCount(o.tenantId)).toBe(3);
  });

  it('2. SCIM creates do not hold a connection while waiting for another: more creates than the pool answer 201', async () => {
    const small = await startTestApp({ DB_POOL_SIZE: '4' });
    try {
      const scim = await scimClient(small);
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 32 }, (_, i) =>
          scim.request('POST', '/Users', user(`burst.${i}@example.com`)),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(32).fill(201));
      // Waiting on the pool's 5 s acquire timeout was the symptom.
      expect(Date.now() - started).toBeLessThan(4000);
      const ready = await small.request('GET', '/health/ready', { token: null });
      expect(ready.status).toBe(200);
    } finally {
      await small.close();
    }
  });

  describe('3. PATCH removing a value leaves it unassigned', () => {
    let scim: ScimClient;
    beforeAll(async () => {
      scim = await scimClient(t);
    });

    it.each([
      ['remove active', { op: 'remove', path: 'active' }],
      ['replace active with null', { op: 'replace', path: 'active', value: null }],
    ])('%s on a suspended user keeps it suspended', async (_, operation) => {
      const created = await scim.request(
        'POST',
        '/Users',
        user(`off.${Math.random().toString(36).slice(2)}`, { active: false }),
      );
      expect(created.status).toBe(201);
      const res = await scim.request('PATCH', `/Users/${created.body.id}`, patchOp(operation));
      expect(res.status).toBe(200);
      expect(res.body.active).toBe(false);
      const [row] = await t.sql('SELECT status FROM memberships WHERE id = $1', [created.body.id]);
      expect(row.status).toBe('suspended');
      const audited = await t.sql(
        `SELECT 1 FROM audit_events WHERE target_id = $1 AND type = 'scim.user.reactivated'`,
        [created.body.id],
      );
      expect(audited).toEqual([]);
    });

    it('remove displayName answers no displayName, and people still see a name', async () => {
      const created = await scim.request(
        'POST',
        '/Users',
        user('named.person', { displayName: 'Named Person', name: { givenName: 'Ada' } }),
      );
      const res = await scim.request(
        'PATCH',
        `/Users/${created.body.id}`,
        patchOp({ op: 'remove', path: 'displayName' }),
      );
      expect(res.status).toBe(200);
      expect(res.body).not.toHaveProperty('displayName');
      expect((await scim.request('GET', `/Users/${created.body.id}`)).body).not.toHaveProperty(
        'displayName',
      );
      const none = await scim.request(
        'GET',
        `/Users?filter=${encodeURIComponent(`id eq "${created.body.id}" and displayName pr`)}`,
      );
      expect(none.body.totalResults).toBe(0);
      // The members API shows a name derived from the name parts.
      const member = await t.request(
        'GET',
        `/api/v1/tenants/${scim.tenantId}/members/${created.body.id}`,
      );
      expect(member.body.displayName).toBe('Ada');
    });
  });

  describe('4. an invited member is the same person to SCIM', () => {
    it('is found by email, and a SCIM create with her email adopts her instead of taking a second seat', async () => {
      const o = await createOrg(t, { maxMembers: 2 });
      const grace = await join(t, o, 'manager');
      const scim = await scimClient(t, { tenantId: o.tenantId });
      const found = await scim.request(
        'GET',
        `/Users?filter=${encodeURIComponent(`emails eq "${grace.email}"`)}`,
      );
      expect(found.body.totalResults).toBe(1);
      expect(found.body.Resources[0].id).toBe(grace.memberId);
      expect(found.body.Resources[0].emails[0].value).toBe(grace.email);

      // The tenant is full (2 of 2): an Entra push of the same person must not need a seat.
      const pushed = await scim.request(
        'POST',
        '/Users',
        user(grace.email, { externalId: 'entra-object-id-1', displayName: 'Grace H.' }),
      );
      expect(pushed.status).toBe(201);
      expect(pushed.body.id).toBe(grace.memberId);
      expect(pushed.body).toMatchObject({
        userName: grace.email,
        externalId: 'entra-object-id-1',
        displayName: 'Grace H.',
        active: true,
      });
      const members = await t.sql(
        `SELECT id, role, account_id FROM memberships WHERE tenant_id = $1 AND status <> 'removed'`,
        [o.tenantId],
      );
      expect(members).toHaveLength(2);
      // She keeps her role and her account.
      const [row] = await t.sql(
        `SELECT m.role, a.email FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.id = $1`,
        [grace.memberId],
      );
      expect(row).toEqual({ role: 'manager', email: grace.email });
      const linked = await t.sql(
        `SELECT actor_type FROM audit_events WHERE target_id = $1 AND type = 'scim.user.linked'`,
        [grace.memberId],
      );
      expect(linked).toEqual([{ actor_type: 'scim_token' }]);

      // Once provisioned she is not adopted again: another create with her email is a new user
      // (and here, with no seat left, refused).
      const again = await scim.request(
        'POST',
        '/Users',
        user('someone.else', { emails: [{ value: grace.email, primary: true }] }),
      );
      expectScimError(again, 403);
    });

    it('two parallel creates for one invited person adopt her once', async () => {
      const o = await createOrg(t, { maxMembers: 10 });
      const ada = await join(t, o, 'member');
      const scim = await scimClient(t, { tenantId: o.tenantId });
      const answers = await Promise.all([
        scim.request('POST', '/Users', user(ada.email, { externalId: 'a-1' })),
        scim.request(
          'POST',
          '/Users',
          user(`${ada.email}.other`, { emails: [{ value: ada.email, primary: true }] }),
        ),
      ]);
      expect(answers.map((a) => a.status)).toEqual([201, 201]);
      const adopted = answers.filter((a) => a.body.id === ada.memberId);
      expect(adopted).toHaveLength(1);
      const linked = await t.sql(
        `SELECT 1 FROM audit_events WHERE tenant_id = $1 AND type = 'scim.user.linked'`,
        [o.tenantId],
      );
      expect(linked).toHaveLength(1);
    });
  });

  it('6. deleting a team moves its sub-teams up the same way through the teams API and SCIM', async () => {
    const o = await createOrg(t);
    const scim = await scimClient(t, { tenantId: o.tenantId });
    const api = (method: string, path: string, body?: unknown) =>
      t.request(method, `/api/v1/tenants/${o.tenantId}${path}`, {
        token: o.founder.accessToken,
        ...(body !== undefined ? { body } : {}),
      });
    const tree = async (prefix: string) => {
      const root = await api('POST', '/teams', { name: `${prefix} root` });
      const middle = await api('POST', '/teams', {
        name: `${prefix} middle`,
        parentTeamId: root.body.id,
      });
      const leaf = await api('POST', '/teams', {
        name: `${prefix} leaf`,
        parentTeamId: middle.body.id,
      });
      const added = await api('POST', `/teams/${middle.body.id}/members`, {
        memberId: o.founder.memberId,
      });
      expect(added.status).toBe(201);
      return { root: root.body, middle: middle.body, leaf: leaf.body };
    };
    const viaApi = await tree('api');
    const viaScim = await tree('scim');
    expect((await api('DELETE', `/teams/${viaApi.middle.id}?strategy=move_up`)).status).toBe(204);
    expect((await scim.request('DELETE', `/Groups/${viaScim.middle.id}`)).status).toBe(204);
    for (const { root, leaf } of [viaApi, viaScim]) {
      const moved = await api('GET', `/teams/${leaf.id}`);
      expect(moved.body.parentTeamId).toBe(root.id);
      // The moved team changed: its version moves too.
      expect(moved.body.updatedAt).not.toBe(leaf.updatedAt);
    }
    const events = await t.sql(
      `SELECT type, changes FROM audit_events WHERE tenant_id = $1 AND type IN ('team.deleted', 'scim.group.deleted') ORDER BY at`,
      [o.tenantId],
    );
    expect(events.map((e) => e.type)).toEqual(['team.deleted', 'scim.group.deleted']);
    expect(events[0].changes.before.subTeams).toEqual([viaApi.leaf.id]);
    expect(events[1].changes.before.subTeams).toEqual([viaScim.leaf.id]);
    expect(events[0].changes.before.members).toEqual([o.founder.memberId]);
    expect(events[1].changes.before.members).toEqual([o.founder.memberId]);
    expect(events[1].changes.after).toEqual({
      strategy: 'move_up',
      subTeamsMovedTo: viaScim.root.id,
    });
  });
});
