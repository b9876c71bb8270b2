import { DecisionLogService } from '../apps/identity-server/src/decision-logs/index.js';
import { startTestApp, type TestApp } from './support/app.js';
import { setUpSearch, setUpTodo, todoSubjectId, type Scenario } from './support/authzen.js';
import { createKey, expectProblem } from './support/fixtures.js';

/**
 * The AuthZEN 1.0 decision point beyond the interop cases: metadata, authentication, the
 * specification's 400s, batch defaults and semantics, per-item errors, reasons, placeholders
 * that read the request, member attributes changing, and other tenants' isolation.
 */
describe('AuthZEN decision point', () => {
  let t: TestApp;
  let todo: Scenario;
  let search: Scenario;
  const rick = todoSubjectId('fd0614d3');
  const morty = todoSubjectId('fd1614d3');
  const beth = todoSubjectId('fd3614d3');
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://id.example.com' });
    todo = await setUpTodo(t);
    search = await setUpSearch(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const base = (s: Scenario) => `/api/v1/tenants/${s.tenantId}/access/v1`;
  const call = (s: Scenario, path: string, body: unknown, token = s.key) =>
    t.request('POST', `${base(s)}/${path}`, { token, body });
  const user = (id: string) => ({ type: 'user', id });
  const todoItem = (ownerID: string) => ({ type: 'todo', id: 't1', properties: { ownerID } });

  describe('metadata', () => {
    it('is public, at the well-known path with the tenant inserted, naming every endpoint', async () => {
      const res = await t.request(
        'GET',
        `/.well-known/authzen-configuration/api/v1/tenants/${todo.tenantId}`,
        { token: null },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const pdp = `https://id.example.com/api/v1/tenants/${todo.tenantId}`;
      expect(res.body).toEqual({
        policy_decision_point: pdp,
        access_evaluation_endpoint: `${pdp}/access/v1/evaluation`,
        access_evaluations_endpoint: `${pdp}/access/v1/evaluations`,
        search_subject_endpoint: `${pdp}/access/v1/search/subject`,
        search_resource_endpoint: `${pdp}/access/v1/search/resource`,
        search_action_endpoint: `${pdp}/access/v1/search/action`,
      });
    });

    it('is 404 for a tenant that does not exist or is not an id', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'nope'])
        expectProblem(
          await t.request('GET', `/.well-known/authzen-configuration/api/v1/tenants/${id}`, {
            token: null,
          }),
          404,
          'tenant_not_found',
        );
    });
  });

  describe('transport', () => {
    const ask = {
      subject: user(rick),
      action: { name: 'can_read_todos' },
      resource: todoItem('x'),
    };

    it('needs a key of the tenant allowed to ask for decisions', async () => {
      expect((await call(todo, 'evaluation', ask, null as unknown as string)).status).toBe(401);
      // Another tenant's key: this tenant does not exist for it.
      expectProblem(await call(todo, 'evaluation', ask, search.key), 404, 'tenant_not_found');
      const guest = await createKey(t, todo.tenantId, 'guest');
      expect((await call(todo, 'evaluation', ask, guest.key)).status).toBe(403);
    });

    it('echoes X-Request-ID, answers a deny with 200, and ignores unknown fields', async () => {
      const res = await t.request('POST', `${base(todo)}/evaluation`, {
        token: todo.key,
        headers: { 'x-request-id': 'req-42.abc' },
        body: {
          ...ask,
          action: { name: 'can_delete_todo', extra: 1 },
          subject: { ...user(beth), hint: 'x' },
          novel: { deep: [1, 2] },
        },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe('req-42.abc');
      expect(res.body).toEqual({ decision: false });
    });

    it.each<[string, unknown]>([
      ['no subject', { action: { name: 'a' }, resource: { type: 'todo', id: '1' } }],
      [
        'no subject.id',
        { subject: { type: 'user' }, action: { name: 'a' }, resource: { type: 'todo', id: '1' } },
      ],
      ['no action.name', { subject: user(rick), action: {}, resource: { type: 'todo', id: '1' } }],
      [
        'a numeric action.name',
        { subject: user(rick), action: { name: 7 }, resource: { type: 'todo', id: '1' } },
      ],
      ['no resource.type', { subject: user(rick), action: { name: 'a' }, resource: { id: '1' } }],
      [
        'a string subject',
        { subject: 'rick', action: { name: 'a' }, resource: { type: 'todo', id: '1' } },
      ],
      [
        'properties that are not an object',
        {
          subject: { ...user(rick), properties: [1] },
          action: { name: 'a' },
          resource: { type: 'todo', id: '1' },
        },
      ],
      ['a context that is not an object', { ...ask, context: 'now' }],
      ['a context ip that is no address', { ...ask, context: { ip: '999.1.1.1' } }],
      ['a context time that is no date', { ...ask, context: { time: '2026-02-30T10:00:00Z' } }],
      ['a context time without a zone', { ...ask, context: { time: '2026-11-20T10:00:00' } }],
      ['an array body', [ask]],
    ])('is 400 for %s, naming the field', async (_what, body) => {
      const res = await call(todo, 'evaluation', body);
      expectProblem(res, 400, 'validation_failed');
    });

    it('is 400 for bad JSON, an empty body and a body that is not JSON', async () => {
      const path = `${base(todo)}/evaluation`;
      const json = { 'content-type': 'application/json' };
      expect(
        (await t.request('POST', path, { token: todo.key, raw: '{"subject":', headers: json }))
          .status,
      ).toBe(400);
      expect(
        (await t.request('POST', path, { token: todo.key, raw: '', headers: json })).status,
      ).toBe(400);
      for (const type of ['text/plain', 'application/x-www-form-urlencoded'])
        expect(
          (
            await t.request('POST', path, {
              token: todo.key,
              raw: 'subject=rick',
              headers: { 'content-type': type },
            })
          ).status,
        ).toBe(400);
      // Elsewhere a body that is not JSON stays 415.
      expect(
        (
          await t.request('POST', `/api/v1/tenants/${todo.tenantId}/authorize`, {
            token: todo.key,
            raw: 'x',
            headers: { 'content-type': 'text/plain' },
          })
        ).status,
      ).toBe(415);
    });
  });

  describe('subjects', () => {
    it('are members found by id, username, email or SCIM externalId', async () => {
      const memberId = todo.members[morty] as string;
      for (const id of [memberId, 'morty@the-citadel.com', 'MORTY@the-citadel.com', morty]) {
        const res = await call(todo, 'evaluation', {
          subject: user(id),
          action: { name: 'can_update_todo' },
          resource: todoItem('morty@the-citadel.com'),
        });
        expect([id, res.body]).toEqual([id, { decision: true }]);
      }
    });

    it('that are unknown, of another type or in another tenant are a deny with an error', async () => {
      for (const [s, status, code] of [
        [user('nobody'), 404, 'subject_not_found'],
        [{ type: 'group', id: rick }, 400, 'unsupported_subject_type'],
        // Alice is a member of the other scenario's tenant only.
        [user('alice'), 404, 'subject_not_found'],
        [user(search.members.alice as string), 404, 'subject_not_found'],
      ] as const) {
        const res = await call(todo, 'evaluation', {
          subject: s,
          action: { name: 'can_read_todos' },
          resource: todoItem('x'),
        });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          decision: false,
          context: { error: { status, code, message: expect.any(String) } },
        });
      }
    });

    it('decide with their stored attributes as they change (SCIM department)', async () => {
      const bob = search.members.bob as string;
      const ask = () =>
        call(search, 'evaluation', {
          subject: user('bob'),
          action: { name: 'view' },
          resource: { type: 'record', id: '999', properties: { department: 'Finance' } },
        });
      expect((await ask()).body).toEqual({ decision: false });
      const scim = await t.request('POST', `/api/v1/tenants/${search.tenantId}/scim-tokens`, {
        body: { name: 'move bob' },
      });
      const patched = await t.request('PATCH', `/scim/v2/Users/${bob}`, {
        token: scim.body.token,
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [
            {
              op: 'replace',
              path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
              value: 'Finance',
            },
          ],
        },
      });
      expect(patched.status).toBe(200);
      // The cache is dropped when the change commits (a NOTIFY): at most a moment later.
      let body: unknown;
      for (let i = 0; i < 50; i++) {
        body = (await ask()).body;
        if ((body as { decision: boolean }).decision) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(body).toEqual({ decision: true });
      await t.request('PATCH', `/scim/v2/Users/${bob}`, {
        token: scim.body.token,
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [
            {
              op: 'replace',
              path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
              value: 'Legal',
            },
          ],
        },
      });
    });

    it('who are suspended are denied', async () => {
      const jerryId = todo.members[todoSubjectId('fd4614d3')] as string;
      const ask = () =>
        call(todo, 'evaluation', {
          subject: user('jerry@the-smiths.com'),
          action: { name: 'can_read_todos' },
          resource: todoItem('x'),
          options: { reasons: true },
        });
      expect((await ask()).body.decision).toBe(true);
      expect(
        (
          await t.request('PATCH', `/api/v1/tenants/${todo.tenantId}/members/${jerryId}`, {
            body: { status: 'suspended' },
          })
        ).status,
      ).toBe(200);
      expect((await ask()).body).toEqual({
        decision: false,
        context: { reason: { code: 'member_not_active', role: 'todo-viewer' } },
      });
    });
  });

  describe('reasons', () => {
    it('are left out by default and given under context.reason on request', async () => {
      const ask = {
        subject: user(morty),
        action: { name: 'can_update_todo' },
        resource: todoItem('morty@the-citadel.com'),
      };
      expect((await call(todo, 'evaluation', ask)).body).toEqual({ decision: true });
      const res = await call(todo, 'evaluation', { ...ask, options: { reasons: true } });
      expect(res.body).toEqual({
        decision: true,
        context: {
          reason: {
            code: 'allowed_by_role',
            role: 'todo-editor',
            rule: {
              action: ['can_update_todo', 'can_delete_todo'],
              subject: 'todo',
              conditions: { ownerID: '${member.email}' },
            },
          },
        },
      });
    });

    it('name the team whose grant decided', async () => {
      const res = await call(search, 'evaluation', {
        subject: user('erin'),
        action: { name: 'delete' },
        resource: { type: 'record', id: '105' },
        options: { reasons: true },
      });
      expect(res.body).toMatchObject({
        decision: true,
        context: { reason: { code: 'allowed_by_team', teamId: expect.any(String) } },
      });
    });
  });

  describe('decision logs', () => {
    it('keep each returned evaluation with its inputs, reason and request id, when the tenant opts in', async () => {
      const settings = (decisionLogs: Record<string, unknown>) =>
        t.request('PATCH', `/api/v1/tenants/${todo.tenantId}`, {
          body: { settings: { decisionLogs } },
        });
      expect((await settings({ enabled: true, sampleRate: 1 })).status).toBe(200);
      const res = await t.request('POST', `${base(todo)}/evaluations`, {
        token: todo.key,
        headers: { 'x-request-id': 'authzen-log-1' },
        body: {
          subject: user(morty),
          action: { name: 'can_update_todo' },
          options: { evaluations_semantic: 'deny_on_first_deny' },
          // The third item is cut by the semantic: not returned, so not logged.
          evaluations: [
            { resource: todoItem('morty@the-citadel.com') },
            { resource: todoItem('rick@the-citadel.com') },
            {},
          ],
        },
      });
      expect(res.body.evaluations).toHaveLength(2);
      await t.app.get(DecisionLogService).flush();
      const logs = await t.request(
        'GET',
        `/api/v1/tenants/${todo.tenantId}/decision-logs?requestId=authzen-log-1`,
      );
      expect(logs.status).toBe(200);
      expect(logs.body.data).toEqual([
        expect.objectContaining({
          endpoint: 'evaluations',
          requestId: 'authzen-log-1',
          decision: true,
          subject: user(morty),
          action: { name: 'can_update_todo' },
          resource: todoItem('morty@the-citadel.com'),
          reason: expect.objectContaining({ code: 'allowed_by_role', role: 'todo-editor' }),
        }),
        expect.objectContaining({
          decision: false,
          reason: expect.objectContaining({ code: 'no_matching_rule' }),
        }),
      ]);
      // Another tenant's list never shows them.
      const other = await t.request(
        'GET',
        `/api/v1/tenants/${search.tenantId}/decision-logs?requestId=authzen-log-1`,
      );
      expect(other.body.data).toEqual([]);
      await settings({ enabled: false });
    });
  });

  describe('evaluations', () => {
    const item = (ownerID: string) => ({ resource: todoItem(ownerID) });

    it('apply top-level defaults that an item replaces whole', async () => {
      const res = await call(todo, 'evaluations', {
        subject: user(morty),
        action: { name: 'can_update_todo' },
        resource: todoItem('morty@the-citadel.com'),
        evaluations: [
          {},
          item('rick@the-citadel.com'),
          { subject: user(rick), resource: todoItem('morty@the-citadel.com') },
          // The item's resource replaces the default whole: its properties are not merged.
          { resource: { type: 'todo', id: 't2' } },
          { action: { name: 'can_read_todos' } },
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        evaluations: [
          { decision: true },
          { decision: false },
          { decision: true },
          { decision: false },
          { decision: true },
        ],
      });
    });

    it('answer an item that cannot be evaluated with a deny and its error, the rest in order', async () => {
      const res = await call(todo, 'evaluations', {
        action: { name: 'can_read_todos' },
        resource: todoItem('x'),
        evaluations: [
          { subject: user(beth) },
          { subject: user('nobody') },
          'not an object',
          { subject: { type: 'user' } },
          {},
          { subject: user(rick) },
        ],
      });
      expect(res.status).toBe(200);
      const error = (status: number, code: string) => ({
        decision: false,
        context: { error: { status, code, message: expect.any(String) } },
      });
      expect(res.body.evaluations).toEqual([
        { decision: true },
        error(404, 'subject_not_found'),
        error(400, 'invalid_request'),
        error(400, 'invalid_request'),
        error(400, 'invalid_request'),
        { decision: true },
      ]);
      expect(res.body.evaluations[3].context.error.message).toMatch(
        /evaluations\[3\]\.subject\.id/,
      );
    });

    it.each<[string, boolean[]]>([
      ['execute_all', [true, false, true, false]],
      ['deny_on_first_deny', [true, false]],
      ['permit_on_first_permit', [true]],
    ])('%s', async (semantic, decisions) => {
      const res = await call(todo, 'evaluations', {
        subject: user(morty),
        action: { name: 'can_update_todo' },
        options: { evaluations_semantic: semantic },
        evaluations: [
          item('morty@the-citadel.com'),
          item('rick@the-citadel.com'),
          item('morty@the-citadel.com'),
          item('beth@the-smiths.com'),
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual(decisions);
    });

    it('permit_on_first_permit with nothing permitted answers every item', async () => {
      const res = await call(todo, 'evaluations', {
        subject: user(beth),
        action: { name: 'can_delete_todo' },
        options: { evaluations_semantic: 'permit_on_first_permit' },
        evaluations: [item('a'), item('b'), { subject: user('nobody') }],
      });
      expect(res.body.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([
        false,
        false,
        false,
      ]);
    });

    it('without evaluations (or with none) are one evaluation, answered like one', async () => {
      const one = {
        subject: user(rick),
        action: { name: 'can_delete_todo' },
        resource: todoItem('x'),
      };
      expect((await call(todo, 'evaluations', one)).body).toEqual({ decision: true });
      expect((await call(todo, 'evaluations', { ...one, evaluations: [] })).body).toEqual({
        decision: true,
      });
      expectProblem(
        await call(todo, 'evaluations', { action: one.action }),
        400,
        'validation_failed',
      );
    });

    it('refuse an unknown semantic, evaluations that are not a list, and more than 1000 items', async () => {
      const one = {
        subject: user(rick),
        action: { name: 'can_delete_todo' },
        resource: todoItem('x'),
      };
      for (const body of [
        { ...one, options: { evaluations_semantic: 'first' }, evaluations: [{}] },
        { ...one, evaluations: { 0: {} } },
        { ...one, evaluations: Array.from({ length: 1001 }, () => ({})) },
      ])
        expectProblem(await call(todo, 'evaluations', body), 400, 'validation_failed');
    });

    it('answer 100 items of one subject together', async () => {
      const res = await call(todo, 'evaluations', {
        subject: user(morty),
        action: { name: 'can_update_todo' },
        evaluations: Array.from({ length: 100 }, (_, i) =>
          item(i % 2 ? 'morty@the-citadel.com' : 'rick@the-citadel.com'),
        ),
      });
      expect(res.body.evaluations.filter((e: { decision: boolean }) => e.decision)).toHaveLength(
        50,
      );
    });
  });

  describe('conditions reading the request', () => {
    it('fill ${subject.properties.x} and ${context.x}, and access rules read context.ip and .time', async () => {
      const role = await t.request('POST', `/api/v1/tenants/${todo.tenantId}/roles`, {
        body: {
          key: 'clearance',
          name: 'Clearance',
          permissions: [
            {
              action: 'read',
              subject: 'file',
              conditions: {
                level: { $lte: '${subject.properties.clearance}' },
                region: '${context.region}',
              },
            },
          ],
        },
      });
      expect(role.status).toBe(201);
      await t.request('PATCH', `/api/v1/tenants/${todo.tenantId}/members/${todo.members[beth]}`, {
        body: { role: 'clearance' },
      });
      const ask = (clearance: number | undefined, region: string, ip?: string) =>
        call(todo, 'evaluation', {
          subject: {
            ...user(beth),
            ...(clearance !== undefined ? { properties: { clearance } } : {}),
          },
          action: { name: 'read' },
          resource: { type: 'file', id: 'f', properties: { level: 3, region: 'eu' } },
          context: { region, ...(ip ? { ip } : {}) },
        });
      expect((await ask(4, 'eu')).body).toEqual({ decision: true });
      expect((await ask(2, 'eu')).body).toEqual({ decision: false });
      expect((await ask(4, 'us')).body).toEqual({ decision: false });
      expect((await ask(undefined, 'eu')).body).toEqual({ decision: false });
      const rule = await t.request('POST', `/api/v1/tenants/${todo.tenantId}/access-rules`, {
        body: {
          name: 'quarantine',
          effect: 'deny',
          ip: { cidrs: ['10.66.0.0/16'] },
          appliesTo: {},
        },
      });
      expect(rule.status).toBe(201);
      expect((await ask(4, 'eu', '10.66.1.2')).body).toEqual({ decision: false });
      expect((await ask(4, 'eu', '10.1.1.2')).body).toEqual({ decision: true });
      await t.request('DELETE', `/api/v1/tenants/${todo.tenantId}/access-rules/${rule.body.id}`);
      // context.time is the moment an access rule's hours are read at (RFC 3339, t and z in either case)
      const hours = await t.request('POST', `/api/v1/tenants/${todo.tenantId}/access-rules`, {
        body: {
          name: 'office hours',
          effect: 'allow',
          time: {
            timezone: 'Europe/Paris',
            days: ['mon', 'tue', 'wed', 'thu', 'fri'],
            start: '09:00',
            end: '18:00',
          },
          // Beth's only: bound to everyone it would fence this test's own key by the real clock.
          appliesTo: { memberIds: [todo.members[beth]] },
        },
      });
      expect(hours.status).toBe(201);
      const at = (time: string) =>
        call(todo, 'evaluation', {
          subject: { ...user(beth), properties: { clearance: 4 } },
          action: { name: 'read' },
          resource: { type: 'file', id: 'f', properties: { level: 3, region: 'eu' } },
          context: { region: 'eu', time },
        });
      expect((await at('2026-11-24T10:00:00+01:00')).body).toEqual({ decision: true });
      expect((await at('2026-11-24t08:30:00z')).body).toEqual({ decision: true });
      expect((await at('2026-11-24T07:30:00Z')).body).toEqual({ decision: false });
      expect((await at('2026-11-28T10:00:00Z')).body).toEqual({ decision: false });
      await t.request('DELETE', `/api/v1/tenants/${todo.tenantId}/access-rules/${hours.body.id}`);
      await t.request('PATCH', `/api/v1/tenants/${todo.tenantId}/members/${todo.members[beth]}`, {
        body: { role: 'todo-viewer' },
      });
    });
  });

  describe('searches', () => {
    it('page subjects with tokens until an empty next_token', async () => {
      const seen: string[] = [];
      let token: string | undefined;
      for (let i = 0; i < 10; i++) {
        const res = await call(search, 'search/subject', {
          subject: { type: 'user' },
          action: { name: 'view' },
          resource: { type: 'record', id: '101' },
          page: { limit: 1, ...(token ? { token } : {}) },
        });
        expect(res.status).toBe(200);
        expect(res.body.results.length).toBeLessThanOrEqual(1);
        seen.push(...res.body.results.map((r: { id: string }) => r.id));
        token = res.body.page.next_token;
        if (!token) break;
      }
      expect(seen.sort()).toEqual(['alice', 'bob', 'carol', 'dan']);
    });

    it('page resources with tokens', async () => {
      const seen: string[] = [];
      let token: string | undefined;
      for (let i = 0; i < 30; i++) {
        const res = await call(search, 'search/resource', {
          subject: user('alice'),
          action: { name: 'view' },
          resource: { type: 'record' },
          page: { limit: 7, ...(token ? { token } : {}) },
        });
        expect(res.status).toBe(200);
        expect(res.body.results.length).toBeLessThanOrEqual(7);
        seen.push(...res.body.results.map((r: { id: string }) => r.id));
        token = res.body.page.next_token;
        if (!token) break;
      }
      expect(seen).toHaveLength(20);
      expect(new Set(seen).size).toBe(20);
    });

    it('answer no results for an unknown subject, type or id, and 400 for a bad token', async () => {
      for (const [kind, body] of [
        [
          'resource',
          { subject: user('nobody'), action: { name: 'view' }, resource: { type: 'record' } },
        ],
        [
          'resource',
          { subject: user('alice'), action: { name: 'view' }, resource: { type: 'unknown' } },
        ],
        ['action', { subject: user('nobody'), resource: { type: 'record', id: '101' } }],
        [
          'subject',
          {
            subject: { type: 'group' },
            action: { name: 'view' },
            resource: { type: 'record', id: '101' },
          },
        ],
      ] as const) {
        const res = await call(search, `search/${kind}`, body);
        expect([kind, res.status, res.body.results]).toEqual([kind, 200, []]);
      }
      expectProblem(
        await call(search, 'search/resource', {
          subject: user('alice'),
          action: { name: 'view' },
          resource: { type: 'record' },
          page: { token: 'not-a-token' },
        }),
        400,
        'validation_failed',
      );
      expectProblem(
        await call(search, 'search/resource', {
          subject: { type: 'user' },
          action: { name: 'view' },
          resource: { type: 'record' },
        }),
        400,
        'validation_failed',
      );
    });

    it("never show another tenant's members or catalog", async () => {
      // The Todo tenant has no records and none of the search scenario's people.
      const resources = await call(todo, 'search/resource', {
        subject: user(rick),
        action: { name: 'view' },
        resource: { type: 'record' },
      });
      expect(resources.body.results).toEqual([]);
      const subjects = await call(todo, 'search/subject', {
        subject: { type: 'user' },
        action: { name: 'can_read_todos' },
        resource: { type: 'todo', id: '1' },
      });
      const ids = subjects.body.results.map((r: { id: string }) => r.id);
      expect(ids).toEqual(
        expect.arrayContaining(['rick@the-citadel.com', 'morty@the-citadel.com']),
      );
      expect(ids.every((id: string) => id.includes('@the-'))).toBe(true);
      // With a record id of the other tenant, the catalog adds nothing: alice's records are hers.
      const actions = await call(todo, 'search/action', {
        subject: user(rick),
        resource: { type: 'record', id: '101' },
      });
      expect(actions.body.results).toEqual([]);
      for (const kind of ['subject', 'resource', 'action'])
        expectProblem(await call(search, `search/${kind}`, {}, todo.key), 404, 'tenant_not_found');
    });

    it("list the actions the subject's rules name for the type, as they decide", async () => {
      const res = await call(todo, 'search/action', {
        subject: user(rick),
        resource: todoItem('x'),
      });
      expect(res.body.results.map((r: { name: string }) => r.name).sort()).toEqual([
        'can_create_todo',
        'can_delete_todo',
        'can_read_todos',
        'can_read_user',
        'can_update_todo',
      ]);
    });
  });
});
