import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from './support/app.js';
import { createKey, expectProblem } from './support/fixtures.js';
import { createOrg, join, type Org } from './support/orgs.js';

/** Teams and departments: nesting, members and leads, inherited grants, cascades. */
describe('teams', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const base = (o: Org) => `/api/v1/tenants/${o.tenantId}/teams`;
  const createTeam = (o: Org, body: Record<string, unknown>, token = o.founder.accessToken) =>
    t.request('POST', base(o), { token, body });
  async function team(o: Org, name: string, parentTeamId?: string): Promise<string> {
    const res = await createTeam(o, { name, ...(parentTeamId ? { parentTeamId } : {}) });
    if (res.status !== 201) throw new Error(`team not created: ${res.status} ${res.text}`);
    return res.body.id as string;
  }
  const addTo = (o: Org, teamId: string, body: unknown, token = o.founder.accessToken) =>
    t.request('POST', `${base(o)}/${teamId}/members`, { token, body });
  const takeOut = (o: Org, teamId: string, memberId: string, token = o.founder.accessToken) =>
    t.request('DELETE', `${base(o)}/${teamId}/members/${memberId}`, { token });
  const patchTeam = (o: Org, teamId: string, body: unknown, token = o.founder.accessToken) =>
    t.request('PATCH', `${base(o)}/${teamId}`, { token, body });
  const memberIds = async (o: Org, query: string) =>
    (
      await t.request('GET', `/api/v1/tenants/${o.tenantId}/members${query}`, {
        token: o.founder.accessToken,
      })
    ).body.data.map((m: { id: string }) => m.id);
  const snapshot = (o: Org) =>
    t.sql(
      `SELECT (SELECT json_agg(t ORDER BY id) FROM teams t WHERE tenant_id = $1) AS teams,
              (SELECT json_agg(m ORDER BY team_id, membership_id) FROM team_members m WHERE tenant_id = $1) AS members`,
      [o.tenantId],
    );

  it('nests teams in departments with names unique among siblings, regardless of case', async () => {
    const o = await createOrg(t);
    const eng = await team(o, 'Engineering');
    const backend = await team(o, 'Backend', eng);
    const created = await t.request('GET', `${base(o)}/${backend}`, {
      token: o.founder.accessToken,
    });
    expect(created.body).toMatchObject({
      id: backend,
      name: 'Backend',
      parentTeamId: eng,
      description: '',
    });
    expectProblem(
      await createTeam(o, { name: 'backend', parentTeamId: eng }),
      409,
      'team_name_taken',
    );
    expect((await createTeam(o, { name: 'Backend' })).status).toBe(201); // another parent: fine
    const children = await t.request('GET', `${base(o)}?parentTeamId=${eng}`, {
      token: o.founder.accessToken,
    });
    expect(children.body.data.map((x: { id: string }) => x.id)).toEqual([backend]);
    const all = await t.request('GET', `${base(o)}?limit=2`, { token: o.founder.accessToken });
    expect(all.body.data).toHaveLength(2);
    expect(all.body.nextCursor).toEqual(expect.any(String));
  });

  it('moves teams but never under themselves or their own sub-teams', async () => {
    const o = await createOrg(t);
    const a = await team(o, 'A');
    const b = await team(o, 'B', a);
    const c = await team(o, 'C', b);
    const before = await snapshot(o);
    expectProblem(await patchTeam(o, a, { parentTeamId: c }), 409, 'team_cycle');
    expectProblem(await patchTeam(o, a, { parentTeamId: a }), 409, 'team_cycle');
    expect(await snapshot(o)).toEqual(before);
    const moved = await patchTeam(o, c, { parentTeamId: null, name: 'C2' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ parentTeamId: null, name: 'C2' });
    expect((await patchTeam(o, a, { parentTeamId: c })).status).toBe(200);
    const events = await t.request(
      'GET',
      `/api/v1/tenants/${o.tenantId}/audit-events?type=team.moved`,
      {
        token: o.founder.accessToken,
      },
    );
    expect(events.body.data).toHaveLength(2);
    // B went along with C: A now sits under C, B still under A
    const bView = await t.request('GET', `${base(o)}/${b}`, { token: o.founder.accessToken });
    expect(bView.body.parentTeamId).toBe(a);
  });

  it('never lets two concurrent moves make a cycle', async () => {
    const o = await createOrg(t);
    for (let i = 0; i < 5; i++) {
      const x = await team(o, `X${i}`);
      const y = await team(o, `Y${i}`);
      const results = await Promise.all([
        patchTeam(o, x, { parentTeamId: y }),
        patchTeam(o, y, { parentTeamId: x }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    }
  });

  it('caps nesting depth', async () => {
    const o = await createOrg(t);
    let parent: string | undefined;
    for (let i = 0; i < 20; i++) parent = await team(o, `L${i}`, parent);
    const res = await createTeam(o, { name: 'too deep', parentTeamId: parent });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors[0].field).toBe('parentTeamId');
  });

  it('adds members and leads, shows teams on members, and filters members by team and sub-teams', async () => {
    const o = await createOrg(t);
    const eng = await team(o, 'Engineering');
    const backend = await team(o, 'Backend', eng);
    const ann = await join(t, o, 'member');
    const bob = await join(t, o, 'member');
    const added = await addTo(o, backend, { memberId: ann.memberId, lead: true });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ memberId: ann.memberId, teamId: backend, lead: true });
    expect((await addTo(o, backend, { memberId: ann.memberId, lead: true })).status).toBe(200);
    expect((await addTo(o, eng, { memberId: bob.memberId })).status).toBe(201);
    expect((await addTo(o, backend, { memberId: bob.memberId })).status).toBe(201);
    expect((await memberIds(o, `?teamId=${eng}`)).sort()).toEqual(
      [ann.memberId, bob.memberId].sort(),
    );
    expect((await memberIds(o, `?teamId=${backend}`)).sort()).toEqual(
      [ann.memberId, bob.memberId].sort(),
    );
    expect(await memberIds(o, `?teamId=${randomUUID()}`)).toEqual([]);
    const bobView = await t.request(
      'GET',
      `/api/v1/tenants/${o.tenantId}/members/${bob.memberId}`,
      {
        token: o.founder.accessToken,
      },
    );
    expect(bobView.body.teams.sort()).toEqual([eng, backend].sort());
    const list = await t.request('GET', `${base(o)}/${backend}/members`, {
      token: o.founder.accessToken,
    });
    expect(list.body.data).toEqual([
      expect.objectContaining({ memberId: ann.memberId, lead: true, email: ann.email }),
      expect.objectContaining({ memberId: bob.memberId, lead: false }),
    ]);
    expect((await takeOut(o, eng, bob.memberId)).status).toBe(204);
    expectProblem(await takeOut(o, eng, bob.memberId), 404, 'team_member_not_found');
    const events = await t.request(
      'GET',
      `/api/v1/tenants/${o.tenantId}/audit-events?targetId=${backend}`,
      {
        token: o.founder.accessToken,
      },
    );
    expect(events.body.data.map((e: { type: string }) => e.type).sort()).toEqual(
      ['team.created', 'team.member_added', 'team.member_added'].sort(),
    );
  });

  it('lets leads add and remove members of the teams they lead and below, and nothing more', async () => {
    const o = await createOrg(t);
    const eng = await team(o, 'Engineering');
    const backend = await team(o, 'Backend', eng);
    const sales = await team(o, 'Sales');
    const lead = await join(t, o, 'member');
    const newcomer = await join(t, o, 'member');
    const other = await join(t, o, 'member');
    expect((await addTo(o, eng, { memberId: lead.memberId, lead: true })).status).toBe(201);

    expect((await addTo(o, eng, { memberId: newcomer.memberId }, lead.accessToken)).status).toBe(
      201,
    );
    expect((await addTo(o, backend, { memberId: other.memberId }, lead.accessToken)).status).toBe(
      201,
    );
    expect((await takeOut(o, backend, other.memberId, lead.accessToken)).status).toBe(204);

    const before = await snapshot(o);
    expectProblem(
      await addTo(o, sales, { memberId: other.memberId }, lead.accessToken),
      403,
      'permission_denied',
    );
    expectProblem(
      await addTo(o, backend, { memberId: other.memberId, lead: true }, lead.accessToken),
      403,
      'permission_denied',
    );
    expectProblem(
      await patchTeam(o, eng, { name: 'Mine now' }, lead.accessToken),
      403,
      'permission_denied',
    );
    expectProblem(await createTeam(o, { name: 'New' }, lead.accessToken), 403, 'permission_denied');
    expectProblem(
      await t.request('PUT', `${base(o)}/${eng}/permissions`, {
        token: lead.accessToken,
        body: { permissions: [{ action: 'manage', subject: 'all' }] },
      }),
      403,
      'admin_required',
    );
    // a member who leads nothing gets nothing
    expectProblem(
      await addTo(o, eng, { memberId: other.memberId }, other.accessToken),
      403,
      'permission_denied',
    );
    expect(await snapshot(o)).toEqual(before);
    const refusals = await t.request(
      'GET',
      `/api/v1/tenants/${o.tenantId}/audit-events?type=access.denied&targetId=${sales}`,
      { token: o.founder.accessToken },
    );
    expect(refusals.body.data).toEqual([
      expect.objectContaining({
        target: { type: 'team', id: sales },
        changes: { after: { code: 'permission_denied', permission: 'update Team (or team lead)' } },
      }),
    ]);
    // a Manager manages teams by role
    const manager = await join(t, o, 'manager');
    expect(
      (await addTo(o, sales, { memberId: other.memberId, lead: true }, manager.accessToken)).status,
    ).toBe(201);
  });

  it('grants team rules to the team’s and its sub-teams’ members, deciding /authorize at once', async () => {
    const o = await createOrg(t);
    const eng = await team(o, 'Engineering');
    const backend = await team(o, 'Backend', eng);
    const dev = await join(t, o, 'member');
    const key = await createKey(t, o.tenantId, 'admin', o.founder.accessToken);
    const decide = async () =>
      (
        await t.request('POST', `/api/v1/tenants/${o.tenantId}/authorize`, {
          token: key.key,
          body: {
            memberId: dev.memberId,
            action: 'deploy',
            subject: { type: 'Service', tier: 'prod' },
          },
        })
      ).body;
    expect(await decide()).toMatchObject({ allowed: false, reason: { code: 'no_matching_rule' } });
    const granted = await t.request('PUT', `${base(o)}/${eng}/permissions`, {
      token: o.founder.accessToken,
      body: {
        permissions: [
          {
            action: 'deploy',
            subject: 'Service',
            conditions: { tier: { $in: ['prod', 'staging'] } },
          },
        ],
      },
    });
    expect(granted.status).toBe(200);
    expect((await addTo(o, backend, { memberId: dev.memberId })).status).toBe(201);
    expect(await decide()).toMatchObject({
      allowed: true,
      reason: { code: 'allowed_by_team', teamId: eng, role: 'member', rule: { action: 'deploy' } },
    });
    // an inverted grant on the sub-team wins over the department's
    expect(
      (
        await t.request('PUT', `${base(o)}/${backend}/permissions`, {
          token: o.founder.accessToken,
          body: {
            permissions: [
              {
                action: 'deploy',
                subject: 'Service',
                conditions: { tier: 'prod' },
                inverted: true,
              },
            ],
          },
        })
      ).status,
    ).toBe(200);
    expect(await decide()).toMatchObject({
      allowed: false,
      reason: { code: 'denied_by_rule', teamId: backend },
    });
    await t.request('PUT', `${base(o)}/${backend}/permissions`, {
      token: o.founder.accessToken,
      body: { permissions: [] },
    });
    expect((await decide()).allowed).toBe(true);
    // moving the team out of the department takes the grant away
    expect((await patchTeam(o, backend, { parentTeamId: null })).status).toBe(200);
    expect((await decide()).allowed).toBe(false);
    expect((await patchTeam(o, backend, { parentTeamId: eng })).status).toBe(200);
    expect((await decide()).allowed).toBe(true);
    expect((await takeOut(o, backend, dev.memberId)).status).toBe(204);
    expect((await decide()).allowed).toBe(false);
    const perms = await t.request('GET', `${base(o)}/${eng}/permissions`, {
      token: dev.accessToken,
    });
    expect(perms.body.permissions).toHaveLength(1);
    expectProblem(
      await t.request('PUT', `${base(o)}/${eng}/permissions`, {
        token: o.founder.accessToken,
        body: {
          permissions: [
            { action: 'deploy', subject: 'Service', conditions: { tier: { $where: 1 } } },
          ],
        },
      }),
      400,
      'validation_failed',
    );
  });

  it('applies access rules bound to a department to members of its sub-teams', async () => {
    const o = await createOrg(t);
    const eng = await team(o, 'Engineering');
    const backend = await team(o, 'Backend', eng);
    const dev = await join(t, o, 'member');
    expect((await addTo(o, backend, { memberId: dev.memberId })).status).toBe(201);
    const rule = await t.request('POST', `/api/v1/tenants/${o.tenantId}/access-rules`, {
      token: o.founder.accessToken,
      body: {
        name: 'engineering from the VPN',
        effect: 'allow',
        ip: { cidrs: ['10.8.0.0/16'] },
        appliesTo: { teamIds: [eng] },
      },
    });
    expect(rule.status).toBe(201);
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${o.tenantId}/members`, { token: dev.accessToken }),
      403,
      'access_rule_denied',
    );
    expect((await takeOut(o, backend, dev.memberId)).status).toBe(204);
    expect(
      (await t.request('GET', `/api/v1/tenants/${o.tenantId}/members`, { token: dev.accessToken }))
        .status,
    ).toBe(200);
  });

  it('deletes a team only by an explicit choice for its sub-teams and members', async () => {
    const o = await createOrg(t);
    const eng = await team(o, 'Engineering');
    const backend = await team(o, 'Backend', eng);
    const frontend = await team(o, 'Frontend', eng);
    const dev = await join(t, o, 'member');
    expect((await addTo(o, eng, { memberId: dev.memberId })).status).toBe(201);
    const before = await snapshot(o);
    const refused = await t.request('DELETE', `${base(o)}/${eng}`, {
      token: o.founder.accessToken,
    });
    expectProblem(refused, 409, 'team_not_empty');
    expect(refused.body.detail).toContain('2 sub-team(s) and 1 member(s)');
    expectProblem(
      await t.request('DELETE', `${base(o)}/${eng}?strategy=cascade`, {
        token: o.founder.accessToken,
      }),
      400,
      'validation_failed',
    );
    expect(await snapshot(o)).toEqual(before);
    expect(
      (
        await t.request('DELETE', `${base(o)}/${eng}?strategy=move_up`, {
          token: o.founder.accessToken,
        })
      ).status,
    ).toBe(204);
    const left = await t.request('GET', base(o), { token: o.founder.accessToken });
    expect(
      left.body.data.map((x: { id: string; parentTeamId: string | null }) => [
        x.id,
        x.parentTeamId,
      ]),
    ).toEqual([
      [backend, null],
      [frontend, null],
    ]);
    const [event] = (
      await t.request('GET', `/api/v1/tenants/${o.tenantId}/audit-events?type=team.deleted`, {
        token: o.founder.accessToken,
      })
    ).body.data;
    expect(event.changes.before).toMatchObject({ name: 'Engineering', members: [dev.memberId] });
    expect(
      (await t.request('DELETE', `${base(o)}/${backend}`, { token: o.founder.accessToken })).status,
    ).toBe(204);
    // moving sub-teams up next to a team of the same name is refused, not a 500
    await team(o, 'Same');
    const parent = await team(o, 'Parent');
    await team(o, 'same', parent);
    expectProblem(
      await t.request('DELETE', `${base(o)}/${parent}?strategy=move_up`, {
        token: o.founder.accessToken,
      }),
      409,
      'team_name_taken',
    );
  });

  it('takes a removed member out of every team', async () => {
    const o = await createOrg(t);
    const x = await team(o, 'X');
    const y = await team(o, 'Y', x);
    const dev = await join(t, o, 'member');
    await addTo(o, x, { memberId: dev.memberId });
    await addTo(o, y, { memberId: dev.memberId, lead: true });
    expect(
      (
        await t.request('DELETE', `/api/v1/tenants/${o.tenantId}/members/${dev.memberId}`, {
          token: o.founder.accessToken,
        })
      ).status,
    ).toBe(204);
    expect(await t.sql('SELECT * FROM team_members WHERE tenant_id = $1', [o.tenantId])).toEqual(
      [],
    );
    expectProblem(await addTo(o, x, { memberId: dev.memberId }), 404, 'member_not_found');
    const [event] = (
      await t.request('GET', `/api/v1/tenants/${o.tenantId}/audit-events?type=member.removed`, {
        token: o.founder.accessToken,
      })
    ).body.data;
    expect(event.changes.before.teams.sort()).toEqual([x, y].sort());
  });

  it('adds members concurrently without losing any', async () => {
    const o = await createOrg(t, { maxMembers: 40 });
    const x = await team(o, 'X');
    const people = await Promise.all(Array.from({ length: 20 }, () => join(t, o, 'member')));
    const results = await Promise.all(people.map((p) => addTo(o, x, { memberId: p.memberId })));
    expect(results.map((r) => r.status)).toEqual(people.map(() => 201));
    const rows = await t.sql('SELECT count(*)::int AS n FROM team_members WHERE tenant_id = $1', [
      o.tenantId,
    ]);
    expect(rows[0].n).toBe(20);
  });

  it.each<
    [
      string,
      (
        o: Org,
        ids: { team: string; member: string; foreignTeam: string; foreignMember: string },
      ) => Promise<{ status: number; headers: Headers; body: any }>,
      number,
      string,
    ]
  >([
    ['an empty name', (o) => createTeam(o, { name: '  ' }), 400, 'validation_failed'],
    ['a long name', (o) => createTeam(o, { name: 'x'.repeat(101) }), 400, 'validation_failed'],
    [
      'a parent that is not a uuid',
      (o) => createTeam(o, { name: 'N', parentTeamId: 'eng' }),
      400,
      'validation_failed',
    ],
    [
      'another tenant’s parent',
      (o, ids) => createTeam(o, { name: 'N', parentTeamId: ids.foreignTeam }),
      404,
      'team_not_found',
    ],
    [
      'null for a name',
      (o, ids) => patchTeam(o, ids.team, { name: null }),
      400,
      'validation_failed',
    ],
    [
      'a move under another tenant’s team',
      (o, ids) => patchTeam(o, ids.team, { parentTeamId: ids.foreignTeam }),
      404,
      'team_not_found',
    ],
    [
      'another tenant’s member',
      (o, ids) => addTo(o, ids.team, { memberId: ids.foreignMember }),
      404,
      'member_not_found',
    ],
    [
      'a lead flag that is not boolean',
      (o, ids) => addTo(o, ids.team, { memberId: ids.member, lead: 'yes' }),
      400,
      'validation_failed',
    ],
    [
      'a member id that is not a uuid',
      (o, ids) => addTo(o, ids.team, { memberId: 'bob' }),
      400,
      'validation_failed',
    ],
    [
      'another tenant’s team',
      (o, ids) => addTo(o, ids.foreignTeam, { memberId: ids.member }),
      404,
      'team_not_found',
    ],
    [
      'reading another tenant’s team',
      (o, ids) =>
        t.request('GET', `${base(o)}/${ids.foreignTeam}`, { token: o.founder.accessToken }),
      404,
      'team_not_found',
    ],
    [
      'deleting another tenant’s team',
      (o, ids) =>
        t.request('DELETE', `${base(o)}/${ids.foreignTeam}`, { token: o.founder.accessToken }),
      404,
      'team_not_found',
    ],
    [
      'a team id that is not a uuid',
      (o) => t.request('GET', `${base(o)}/engineering`, { token: o.founder.accessToken }),
      404,
      'team_not_found',
    ],
    [
      'grants that are not a list',
      (o, ids) =>
        t.request('PUT', `${base(o)}/${ids.team}/permissions`, {
          token: o.founder.accessToken,
          body: { permissions: 'all' },
        }),
      400,
      'validation_failed',
    ],
  ])('refuses %s, changing nothing', async (_what, send, status, code) => {
    const o = await createOrg(t);
    const other = await createOrg(t);
    const ids = {
      team: await team(o, 'Mine'),
      member: (await join(t, o, 'member')).memberId,
      foreignTeam: await team(other, 'Theirs'),
      foreignMember: other.founder.memberId,
    };
    const before = [await snapshot(o), await snapshot(other)];
    expectProblem(await send(o, ids), status, code);
    expect([await snapshot(o), await snapshot(other)]).toEqual(before);
  });
});
