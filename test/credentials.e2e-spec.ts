import { startTestApp, type TestApp } from './support/app.js';
import { createTenant, expectProblem } from './support/fixtures.js';
import { signup } from './support/users.js';

/** One issued credential, with what its kind needs to manage and use it. */
interface Issued {
  id: string;
  secret: string;
  prefix: string;
  /** The collection it was created in; revocation is DELETE `${collection}/${id}`. */
  collection: string;
  /** Who manages it (the operator when undefined). */
  manager: string | undefined;
  /** Another owner's collection and manager: they must not reach it. */
  stranger: { collection: string; manager: string | undefined };
  /** A request that succeeds with the secret; answers its status. */
  use(): Promise<number>;
}

interface Kind {
  name: string;
  table: string;
  notFound: string;
  created: string;
  revoked: string;
  /** Issues one for a fresh owner, with `extra` in the create body. */
  issue(t: TestApp, extra?: object): Promise<Issued>;
}

async function created(t: TestApp, path: string, token: string | undefined, body: object) {
  const res = await t.request('POST', path, { body, ...(token ? { token } : {}) });
  if (res.status !== 201) throw new Error(`not created: ${res.status} ${res.text}`);
  return res.body;
}

/** A tenant kind (API keys, SCIM tokens) created by the operator in a fresh tenant. */
function tenantKind(
  path: 'api-keys' | 'scim-tokens',
  secretField: 'key' | 'token',
  body: object,
  use: (t: TestApp, tenantId: string, secret: string) => Promise<number>,
) {
  return async (t: TestApp, extra: object = {}): Promise<Issued> => {
    const tenantId = (await createTenant(t)).id;
    const other = (await createTenant(t)).id;
    const collection = `/api/v1/tenants/${tenantId}/${path}`;
    const res = await created(t, collection, undefined, { ...body, ...extra });
    return {
      id: res.id,
      secret: res[secretField],
      prefix: res.prefix,
      collection,
      manager: undefined,
      stranger: { collection: `/api/v1/tenants/${other}/${path}`, manager: undefined },
      use: () => use(t, tenantId, res[secretField]),
    };
  };
}

const KINDS: Kind[] = [
  {
    name: 'tenant API key',
    table: 'api_keys',
    notFound: 'api_key_not_found',
    created: 'apikey.created',
    revoked: 'apikey.revoked',
    issue: tenantKind(
      'api-keys',
      'key',
      { name: 'deploy', role: 'admin' },
      async (t, tenantId, secret) =>
        (await t.request('GET', `/api/v1/tenants/${tenantId}`, { token: secret })).status,
    ),
  },
  {
    name: 'SCIM token',
    table: 'scim_tokens',
    notFound: 'scim_token_not_found',
    created: 'scimtoken.created',
    revoked: 'scimtoken.revoked',
    issue: tenantKind(
      'scim-tokens',
      'token',
      { name: 'Entra ID' },
      async (t, _tenantId, secret) =>
        (await t.request('GET', '/scim/v2/Users', { token: secret })).status,
    ),
  },
  {
    name: 'personal API key',
    table: 'personal_api_keys',
    notFound: 'api_key_not_found',
    created: 'apikey.created',
    revoked: 'apikey.revoked',
    issue: async (t, extra = {}) => {
      const owner = await signup(t);
      const other = await signup(t);
      const collection = '/api/v1/me/api-keys';
      const res = await created(t, collection, owner.accessToken, { name: 'cli', ...extra });
      return {
        id: res.id,
        secret: res.key,
        prefix: res.prefix,
        collection,
        manager: owner.accessToken,
        stranger: { collection, manager: other.accessToken },
        use: async () => (await t.request('GET', '/api/v1/me', { token: res.key })).status,
      };
    },
  },
];

/**
 * Tenant API keys, SCIM tokens and personal keys share one mechanism: the same promises hold for
 * each kind, through its own routes and error code.
 */
describe.each(KINDS)('issued credentials: $name', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const events = (type: string, id: string) =>
    t.sql(
      `SELECT changes FROM audit_events WHERE type = $1
         AND (target_id = $2 OR changes->'before'->>'keyId' = $2 OR changes->'after'->>'keyId' = $2)`,
      [type, id],
    );

  it('stores only the SHA-256 of the secret and never writes the secret in audit events', async () => {
    const c = await kind.issue(t);
    expect(c.secret.startsWith(`${c.prefix}_`)).toBe(true);
    const [row] = await t.sql(`SELECT * FROM ${kind.table} WHERE id = $1`, [c.id]);
    expect(row.key_hash).toHaveLength(32);
    expect(JSON.stringify(row)).not.toContain(c.secret.slice(c.prefix.length + 1));

    const [event] = await events(kind.created, c.id);
    expect(event.changes.after).toMatchObject({ name: expect.any(String), prefix: c.prefix });
    expect(JSON.stringify(event)).not.toContain(c.secret.slice(c.prefix.length + 1));
  });

  it('revokes exactly once under parallel requests, and the cached secret stops at once', async () => {
    const c = await kind.issue(t);
    // used first, so this instance holds the row in its cache
    expect(await c.use()).toBe(200);
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.request('DELETE', `${c.collection}/${c.id}`, {
          ...(c.manager ? { token: c.manager } : {}),
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([204, 404, 404, 404, 404, 404]);
    for (const refused of results.filter((r) => r.status === 404))
      expectProblem(refused, 404, kind.notFound);
    const revoked = await events(kind.revoked, c.id);
    expect(revoked).toHaveLength(1);
    expect(revoked[0].changes.before).toMatchObject({ prefix: c.prefix });
    expect(await c.use()).toBe(401);

    const list = await t.request('GET', c.collection, {
      ...(c.manager ? { token: c.manager } : {}),
    });
    expect(list.body.data.map((k: { id: string }) => k.id)).not.toContain(c.id);
  });

  it('lets no other owner revoke it, and answers a malformed id like an unknown one', async () => {
    const c = await kind.issue(t);
    const before = await t.sql(`SELECT revoked_at FROM ${kind.table} WHERE id = $1`, [c.id]);
    for (const id of [c.id, 'not-a-uuid', '00000000-0000-7000-8000-000000000000']) {
      expectProblem(
        await t.request('DELETE', `${c.stranger.collection}/${id}`, {
          ...(c.stranger.manager ? { token: c.stranger.manager } : {}),
        }),
        404,
        kind.notFound,
      );
    }
    expectProblem(
      await t.request('DELETE', `${c.collection}/not-a-uuid`, {
        ...(c.manager ? { token: c.manager } : {}),
      }),
      404,
      kind.notFound,
    );
    expect(await t.sql(`SELECT revoked_at FROM ${kind.table} WHERE id = $1`, [c.id])).toEqual(
      before,
    );
    expect(await events(kind.revoked, c.id)).toEqual([]);
    expect(await c.use()).toBe(200);
  });

  it('refuses a secret that expires while its row is cached', async () => {
    const c = await kind.issue(t, { expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect(await c.use()).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect(await c.use()).toBe(401);
  });

  it('refuses an expiry in the past and writes nothing', async () => {
    const c = await kind.issue(t);
    const before = await t.sql(`SELECT count(*)::int AS n FROM ${kind.table}`);
    expectProblem(
      await t.request('POST', c.collection, {
        body: { name: 'late', expiresAt: new Date(Date.now() - 1000).toISOString() },
        ...(c.manager ? { token: c.manager } : {}),
      }),
      400,
      'validation_failed',
    );
    expect(await t.sql(`SELECT count(*)::int AS n FROM ${kind.table}`)).toEqual(before);
  });
});
