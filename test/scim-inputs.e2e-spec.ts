import { startTestApp, type TestApp } from './support/app.js';
import {
  expectScimError,
  GROUP,
  patchOp,
  scimClient,
  user,
  type ScimClient,
} from './support/scim.js';

/**
 * Every input of a SCIM write is checked before anything is written (issue #11, failure 5): a
 * query string the server refuses used to be read only after the change had committed, so the
 * client saw 400 and retried a write that had already happened.
 */
describe('SCIM writes check every input first', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** Everything a refused request must leave as it was. */
  const snapshot = async (tenantId: string) =>
    t.sql(
      `SELECT (SELECT json_agg(m ORDER BY m.id) FROM memberships m WHERE m.tenant_id = $1) AS members,
              (SELECT json_agg(x ORDER BY x.id) FROM teams x WHERE x.tenant_id = $1) AS teams,
              (SELECT count(*)::int FROM team_members WHERE tenant_id = $1) AS team_members,
              (SELECT count(*)::int FROM audit_events WHERE tenant_id = $1 AND type LIKE 'scim.%' AND type <> 'scim.auth.failed') AS events`,
      [tenantId],
    );

  interface Fixture {
    c: ScimClient;
    userId: string;
    memberId: string;
    groupId: string;
  }

  async function fixture(): Promise<Fixture> {
    const c = await scimClient(t);
    const created = async (path: string, body: unknown) => {
      const res = await c.request('POST', path, body);
      if (res.status !== 201) throw new Error(`not created: ${res.status} ${res.text}`);
      return res.body.id as string;
    };
    const userId = await created('/Users', user('kept@example.com', { displayName: 'Kept' }));
    const memberId = await created('/Users', user('member@example.com'));
    const groupId = await created('/Groups', { schemas: [GROUP], displayName: 'Kept' });
    return { c, userId, memberId, groupId };
  }

  /** Each write with a body that would succeed, and the read that shows whether it happened. */
  const writes: [string, (f: Fixture) => [string, string, unknown], (f: Fixture) => string][] = [
    [
      'POST /Users',
      () => ['POST', '/Users', user('new@example.com')],
      () => `/Users?filter=${encodeURIComponent('userName eq "new@example.com"')}`,
    ],
    [
      'PUT /Users/:id',
      (f) => ['PUT', `/Users/${f.userId}`, user('kept@example.com', { displayName: 'Changed' })],
      (f) => `/Users/${f.userId}`,
    ],
    [
      'PATCH /Users/:id',
      (f) => [
        'PATCH',
        `/Users/${f.userId}`,
        patchOp({ op: 'replace', path: 'displayName', value: 'Changed' }),
      ],
      (f) => `/Users/${f.userId}`,
    ],
    [
      'POST /Groups',
      () => ['POST', '/Groups', { schemas: [GROUP], displayName: 'New' }],
      () => `/Groups?filter=${encodeURIComponent('displayName eq "New"')}`,
    ],
    [
      'PUT /Groups/:id',
      (f) => [
        'PUT',
        `/Groups/${f.groupId}`,
        { schemas: [GROUP], displayName: 'Changed', members: [{ value: f.memberId }] },
      ],
      (f) => `/Groups/${f.groupId}`,
    ],
    [
      'PATCH /Groups/:id',
      (f) => [
        'PATCH',
        `/Groups/${f.groupId}`,
        patchOp(
          { op: 'replace', path: 'displayName', value: 'Changed' },
          { op: 'add', path: 'members', value: [{ value: f.memberId }] },
        ),
      ],
      (f) => `/Groups/${f.groupId}`,
    ],
  ];

  const badQueries = [
    'attributes=userName&attributes=displayName',
    'excludedAttributes=members&excludedAttributes=emails',
  ];

  describe.each(writes)('%s', (_, request, read) => {
    it.each(badQueries)('?%s answers 400 invalidValue and writes nothing', async (query) => {
      const f = await fixture();
      const [method, path, body] = request(f);
      const before = await snapshot(f.c.tenantId);
      const shown = await f.c.request('GET', read(f));
      expect(shown.status).toBe(200);

      expectScimError(await f.c.request(method, `${path}?${query}`, body), 400, 'invalidValue');

      expect(await snapshot(f.c.tenantId)).toEqual(before);
      expect((await f.c.request('GET', read(f))).body).toEqual(shown.body);
    });

    it('succeeds with the same body and a well-formed query', async () => {
      const f = await fixture();
      const [method, path, body] = request(f);
      const before = await snapshot(f.c.tenantId);
      const res = await f.c.request(method, `${path}?attributes=displayName`, body);
      expect(res.status).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(300);
      // the refusal above is the query's doing: this body alone writes
      expect(await snapshot(f.c.tenantId)).not.toEqual(before);
    });
  });
});
