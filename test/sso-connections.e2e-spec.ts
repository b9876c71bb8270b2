import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SsoConnectionsService } from '../apps/identity-server/src/sso-connections/index.js';
import { startTestApp, type TestApp } from './support/app.js';
import { expectProblem } from './support/fixtures.js';
import { createOrg, join, type Org } from './support/orgs.js';

const SECRET = 'okta-client-secret-0123456789-do-not-leak';

/**
 * A tiny issuer on 127.0.0.1: `/<name>/.well-known/openid-configuration` answers what `docs`
 * holds for <name> (a document for the issuer `${base}/<name>` unless told otherwise).
 */
async function startIssuer() {
  const docs = new Map<string, { status?: number; body: unknown; raw?: string }>();
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const match = /^\/([^/]+)\/\.well-known\/openid-configuration$/.exec(req.url ?? '');
    const doc = match ? docs.get(match[1] as string) : undefined;
    if (!doc) {
      res.writeHead(404).end('not here');
      return;
    }
    res.writeHead(doc.status ?? 200, { 'content-type': 'application/json' });
    res.end(doc.raw ?? JSON.stringify(doc.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const discovery = (issuer: string, extra: Record<string, unknown> = {}) => ({
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/keys`,
    userinfo_endpoint: `${issuer}/userinfo`,
    response_types_supported: ['code'],
    ...extra,
  });
  let counter = 0;
  return {
    base,
    hits,
    /** A fresh issuer path serving a valid discovery document (changed by `extra`). */
    issuer(
      extra: Record<string, unknown> | ((issuer: string) => Record<string, unknown>) = {},
    ): string {
      counter += 1;
      const name = `idp${counter}`;
      const issuer = `${base}/${name}`;
      docs.set(name, {
        body: discovery(issuer, typeof extra === 'function' ? extra(issuer) : extra),
      });
      return issuer;
    },
    /** A fresh issuer path answering exactly this. */
    serving(doc: { status?: number; body?: unknown; raw?: string }): string {
      counter += 1;
      const name = `idp${counter}`;
      docs.set(name, { body: doc.body, ...doc });
      return `${base}/${name}`;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('SSO connections', () => {
  let t: TestApp;
  let idp: Awaited<ReturnType<typeof startIssuer>>;
  let org: Org;
  let other: Org;
  beforeAll(async () => {
    idp = await startIssuer();
    t = await startTestApp({
      OIDC_CONNECTIONS_ALLOW_LOOPBACK: 'true',
      PUBLIC_URL: 'https://id.example.com',
    });
    org = await createOrg(t);
    other = await createOrg(t);
  });
  afterAll(async () => {
    await t.close();
    await idp.close();
  });

  const path = (tenantId: string, id = '') =>
    `/api/v1/tenants/${tenantId}/sso-connections${id ? `/${id}` : ''}`;
  const create = (o: Org, body: Record<string, unknown>) =>
    t.request('POST', path(o.tenantId), { token: o.founder.accessToken, body });
  let named = 0;
  const valid = (extra: Record<string, unknown> = {}) => {
    named += 1;
    return {
      name: `Okta ${named}`,
      issuer: idp.issuer(),
      clientId: `client-${named}`,
      clientSecret: SECRET,
      ...extra,
    };
  };
  const rows = (tenantId: string) =>
    t.sql('SELECT * FROM sso_connections WHERE tenant_id = $1 ORDER BY created_at', [tenantId]);
  const audits = (tenantId: string) =>
    t.sql(
      "SELECT type, target_id, changes FROM audit_events WHERE tenant_id = $1 AND type LIKE 'sso_connection.%' ORDER BY at",
      [tenantId],
    );

  it('creates, reads, lists, changes and deletes a connection, audited without the secret', async () => {
    const o = await createOrg(t);
    const body = valid({ allowedDomains: ['Acme.com', ' example.org '] });
    const created = await create(o, body);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: body.name,
      issuer: body.issuer,
      clientId: body.clientId,
      clientSecretSet: true,
      allowedDomains: ['acme.com', 'example.org'],
      enabled: true,
      redirectUri: `https://id.example.com/api/v1/auth/sso/oidc/${id}/callback`,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });

    const got = await t.request('GET', path(o.tenantId, id), { token: o.founder.accessToken });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const second = await create(o, valid({ enabled: false }));
    expect(second.status).toBe(201);
    const page1 = await t.request('GET', `${path(o.tenantId)}?limit=1`, {
      token: o.founder.accessToken,
    });
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await t.request(
      'GET',
      `${path(o.tenantId)}?limit=1&cursor=${encodeURIComponent(page1.body.nextCursor)}`,
      { token: o.founder.accessToken },
    );
    expect(page2.body.data.map((c: { id: string }) => c.id)).toEqual([second.body.id]);
    expect(page2.body.nextCursor).toBeNull();

    const service = t.app.get(SsoConnectionsService);
    expect(await service.listEnabled(o.tenantId)).toEqual([{ id, name: body.name }]);
    expect(await service.forSignIn(id)).toEqual({
      tenantId: o.tenantId,
      id,
      name: body.name,
      issuer: body.issuer,
      clientId: body.clientId,
      clientSecret: SECRET,
      allowedDomains: ['acme.com', 'example.org'],
      updatedAt: expect.any(Date),
    });
    expect(await service.forSignIn(second.body.id)).toBeNull(); // disabled
    expect(await service.forSignIn('not-a-uuid')).toBeNull();
    expect(await service.forSignIn('0190a0a0-0000-7000-8000-000000000000')).toBeNull();

    const newIssuer = idp.issuer();
    const patched = await t.request('PATCH', path(o.tenantId, id), {
      token: o.founder.accessToken,
      body: {
        name: 'Okta (prod)',
        issuer: newIssuer,
        clientSecret: 'rotated-secret-value-xyz',
        allowedDomains: [],
        enabled: false,
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      id,
      name: 'Okta (prod)',
      issuer: newIssuer,
      allowedDomains: [],
      enabled: false,
      clientSecretSet: true,
    });
    expect(await service.forSignIn(id)).toBeNull();
    const enabled = await t.request('PATCH', path(o.tenantId, id), {
      token: o.founder.accessToken,
      body: { enabled: true },
    });
    expect(enabled.status).toBe(200);
    expect((await service.forSignIn(id))?.clientSecret).toBe('rotated-secret-value-xyz');

    const deleted = await t.request('DELETE', path(o.tenantId, id), {
      token: o.founder.accessToken,
    });
    expect(deleted.status).toBe(204);
    expectProblem(
      await t.request('GET', path(o.tenantId, id), { token: o.founder.accessToken }),
      404,
      'sso_connection_not_found',
    );
    expect(await service.forSignIn(id)).toBeNull();

    const events = (await audits(o.tenantId)).filter((e) => e.target_id === id);
    expect(events.map((e) => e.type)).toEqual([
      'sso_connection.created',
      'sso_connection.updated',
      'sso_connection.updated',
      'sso_connection.deleted',
    ]);
    expect(events[0].changes.after).toMatchObject({ name: body.name, clientSecret: 'set' });
    expect(events[1].changes).toEqual({
      before: {
        name: body.name,
        issuer: body.issuer,
        allowedDomains: ['acme.com', 'example.org'],
        enabled: true,
      },
      after: {
        name: 'Okta (prod)',
        issuer: newIssuer,
        allowedDomains: [],
        enabled: false,
        clientSecret: 'changed',
      },
    });
    expect(events[3].changes.before).toMatchObject({ name: 'Okta (prod)' });
    expect(JSON.stringify(events)).not.toContain(SECRET);
    expect(JSON.stringify(events)).not.toContain('rotated-secret-value-xyz');
  });

  it('stores the secret sealed, bound to its row, and never answers or logs it', async () => {
    const created = await create(org, valid());
    expect(created.status).toBe(201);
    const [row] = await t.sql('SELECT * FROM sso_connections WHERE id = $1', [created.body.id]);
    expect(row.client_secret).not.toContain(SECRET);
    expect(row.client_secret).toMatch(/^v1\./);
    expect(Buffer.from(row.client_secret).toString('base64')).not.toContain(
      Buffer.from(SECRET).toString('base64'),
    );

    // The sealed value moved to another connection's row does not open there.
    const victim = await create(org, valid());
    await t.sql('UPDATE sso_connections SET client_secret = $1 WHERE id = $2', [
      row.client_secret,
      victim.body.id,
    ]);
    const service = t.app.get(SsoConnectionsService);
    expect(await service.forSignIn(victim.body.id)).toBeNull();
    expect((await service.forSignIn(created.body.id))?.clientSecret).toBe(SECRET);

    const answers = [
      created.text,
      (await t.request('GET', path(org.tenantId), { token: org.founder.accessToken })).text,
      (
        await t.request('GET', path(org.tenantId, created.body.id), {
          token: org.founder.accessToken,
        })
      ).text,
      (
        await t.request('PATCH', path(org.tenantId, created.body.id), {
          token: org.founder.accessToken,
          body: { name: 'Renamed', clientSecret: SECRET },
        })
      ).text,
      (
        await t.request('GET', `/api/v1/tenants/${org.tenantId}/audit-events`, {
          token: org.founder.accessToken,
        })
      ).text,
    ];
    for (const text of answers) expect(text).not.toContain(SECRET);
    expect(t.logs.join('\n')).not.toContain(SECRET);
  });

  it('keeps names unique in the tenant regardless of case, but not across tenants', async () => {
    const first = await create(org, valid({ name: 'Keycloak' }));
    expect(first.status).toBe(201);
    const before = (await rows(org.tenantId)).length;
    expectProblem(await create(org, valid({ name: 'KEYCLOAK' })), 409, 'sso_connection_name_taken');
    expect(await rows(org.tenantId)).toHaveLength(before);
    const another = await create(org, valid());
    expectProblem(
      await t.request('PATCH', path(org.tenantId, another.body.id), {
        token: org.founder.accessToken,
        body: { name: 'keycloak' },
      }),
      409,
      'sso_connection_name_taken',
    );
    expect((await create(other, valid({ name: 'Keycloak' }))).status).toBe(201);
  });

  it("answers 404 for another tenant's connection on every route, and changes nothing", async () => {
    const mine = await create(org, valid());
    const id = mine.body.id as string;
    const theirs = other.founder.accessToken;
    const attempts = [
      t.request('GET', path(other.tenantId, id), { token: theirs }),
      t.request('PATCH', path(other.tenantId, id), { token: theirs, body: { name: 'Taken over' } }),
      t.request('PATCH', path(other.tenantId, id), {
        token: theirs,
        body: { issuer: idp.issuer(), clientSecret: 'x' },
      }),
      t.request('DELETE', path(other.tenantId, id), { token: theirs }),
    ];
    for (const res of await Promise.all(attempts))
      expectProblem(res, 404, 'sso_connection_not_found');
    const list = await t.request('GET', path(other.tenantId), { token: theirs });
    expect(list.body.data.map((c: { id: string }) => c.id)).not.toContain(id);
    // Through the other tenant's path: the tenant is not theirs to see.
    for (const res of await Promise.all([
      t.request('GET', path(org.tenantId), { token: theirs }),
      t.request('GET', path(org.tenantId, id), { token: theirs }),
      t.request('POST', path(org.tenantId), { token: theirs, body: valid() }),
      t.request('PATCH', path(org.tenantId, id), { token: theirs, body: { name: 'x' } }),
      t.request('DELETE', path(org.tenantId, id), { token: theirs }),
    ]))
      expectProblem(res, 404, 'tenant_not_found');
    const [row] = await t.sql('SELECT name, client_secret FROM sso_connections WHERE id = $1', [
      id,
    ]);
    expect(row.name).toBe(mine.body.name);
    expect((await t.app.get(SsoConnectionsService).forSignIn(id))?.clientSecret).toBe(SECRET);
  });

  it('is for administrators only', async () => {
    const o = await createOrg(t);
    const existing = await create(o, valid());
    for (const role of ['manager', 'developer', 'viewer', 'member']) {
      const person = await join(t, o, role);
      const as = { token: person.accessToken };
      for (const res of await Promise.all([
        t.request('POST', path(o.tenantId), { ...as, body: valid() }),
        t.request('GET', path(o.tenantId), as),
        t.request('GET', path(o.tenantId, existing.body.id), as),
        t.request('PATCH', path(o.tenantId, existing.body.id), { ...as, body: { name: 'x' } }),
        t.request('DELETE', path(o.tenantId, existing.body.id), as),
      ]))
        expectProblem(res, 403, 'admin_required');
    }
    expect(await rows(o.tenantId)).toHaveLength(1);
    expect(await t.request('GET', path(o.tenantId), { token: null })).toMatchObject({
      status: 401,
    });
  });

  describe('refuses bad input before writing anything', () => {
    const NUL = 'a\u0000b';
    it.each<[string, () => Record<string, unknown>, number, string]>([
      ['no name', () => valid({ name: undefined }), 400, 'validation_failed'],
      ['an empty name', () => valid({ name: '   ' }), 400, 'validation_failed'],
      ['a name of 101', () => valid({ name: 'n'.repeat(101) }), 400, 'validation_failed'],
      ['a huge name', () => valid({ name: 'n'.repeat(200_000) }), 400, 'validation_failed'],
      ['a NUL in the name', () => valid({ name: NUL }), 400, 'invalid_string'],
      ['a NUL in the secret', () => valid({ clientSecret: NUL }), 400, 'invalid_string'],
      ['a name that is a list', () => valid({ name: ['a'] }), 400, 'validation_failed'],
      ['no issuer', () => valid({ issuer: undefined }), 400, 'validation_failed'],
      ['a null issuer', () => valid({ issuer: null }), 400, 'validation_failed'],
      [
        'an issuer of 2049',
        () => valid({ issuer: `https://a.example/${'p'.repeat(2040)}` }),
        400,
        'validation_failed',
      ],
      [
        'an issuer that is no URL',
        () => valid({ issuer: 'acme.okta.com' }),
        400,
        'validation_failed',
      ],
      [
        'an issuer with a query',
        () => valid({ issuer: `${idp.issuer()}?x=1` }),
        400,
        'validation_failed',
      ],
      [
        'an issuer with a fragment',
        () => valid({ issuer: `${idp.issuer()}#f` }),
        400,
        'validation_failed',
      ],
      [
        'an http issuer on a public host',
        () => valid({ issuer: 'http://acme.okta.com' }),
        400,
        'url_not_allowed',
      ],
      [
        'a javascript: issuer',
        () => valid({ issuer: 'javascript:alert(1)' }),
        400,
        'url_not_allowed',
      ],
      ['a file: issuer', () => valid({ issuer: 'file:///etc/passwd' }), 400, 'url_not_allowed'],
      [
        'an issuer with credentials',
        () => valid({ issuer: 'https://u:p@acme.okta.com' }),
        400,
        'url_not_allowed',
      ],
      ['a private issuer', () => valid({ issuer: 'https://10.0.0.1' }), 400, 'url_not_allowed'],
      [
        'the metadata address',
        () => valid({ issuer: 'https://169.254.169.254/latest' }),
        400,
        'url_not_allowed',
      ],
      [
        'a mapped private address',
        () => valid({ issuer: 'https://[::ffff:192.168.0.1]' }),
        400,
        'url_not_allowed',
      ],
      [
        'a unique-local address',
        () => valid({ issuer: 'https://[fd00::1]' }),
        400,
        'url_not_allowed',
      ],
      ['no client id', () => valid({ clientId: '' }), 400, 'validation_failed'],
      ['a client id of 256', () => valid({ clientId: 'c'.repeat(256) }), 400, 'validation_failed'],
      ['no secret', () => valid({ clientSecret: undefined }), 400, 'validation_failed'],
      ['a numeric secret', () => valid({ clientSecret: 12345 }), 400, 'validation_failed'],
      ['a huge secret', () => valid({ clientSecret: 's'.repeat(5000) }), 400, 'validation_failed'],
      ['domains not a list', () => valid({ allowedDomains: 'acme.com' }), 400, 'validation_failed'],
      ['a bad domain', () => valid({ allowedDomains: ['not a domain'] }), 400, 'validation_failed'],
      [
        'an email as domain',
        () => valid({ allowedDomains: ['a@acme.com'] }),
        400,
        'validation_failed',
      ],
      [
        'a domain with a NUL',
        () => valid({ allowedDomains: ['acme.com\u0000'] }),
        400,
        'invalid_string',
      ],
      [
        '51 domains',
        () => valid({ allowedDomains: Array.from({ length: 51 }, (_, i) => `d${i}.example.com`) }),
        400,
        'validation_failed',
      ],
      ['a domain that is a number', () => valid({ allowedDomains: [7] }), 400, 'validation_failed'],
      ['enabled as a string', () => valid({ enabled: 'yes' }), 400, 'validation_failed'],
      ['an unknown field', () => valid({ clientSecretSet: false }), 400, 'validation_failed'],
      [
        'a __proto__ key',
        () => ({ ...valid(), ['__proto__']: { enabled: false } }),
        400,
        'forbidden_key',
      ],
    ])('%s', async (_label, body, status, code) => {
      const before = await rows(org.tenantId);
      const auditsBefore = (await audits(org.tenantId)).length;
      const res = await t.request('POST', path(org.tenantId), {
        token: org.founder.accessToken,
        body: body(),
      });
      expectProblem(res, status, code);
      expect(await rows(org.tenantId)).toEqual(before);
      expect(await audits(org.tenantId)).toHaveLength(auditsBefore);
    });

    it('refuses a private issuer quickly, without waiting on the network', async () => {
      const started = Date.now();
      const res = await create(org, valid({ issuer: 'https://10.0.0.1' }));
      expectProblem(res, 400, 'url_not_allowed');
      expect(res.body.detail).toContain('10.0.0.1 is a private address');
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('refuses a bad PATCH the same way and keeps the connection as it was', async () => {
      const c = await create(org, valid());
      const as = { token: org.founder.accessToken };
      const before = await t.sql('SELECT * FROM sso_connections WHERE id = $1', [c.body.id]);
      for (const [body, status, code] of [
        [{ name: '' }, 400, 'validation_failed'],
        [{ issuer: 'http://acme.okta.com' }, 400, 'url_not_allowed'],
        [{ issuer: 'https://192.168.1.1/realms/x' }, 400, 'url_not_allowed'],
        [
          { issuer: idp.serving({ body: { issuer: 'https://elsewhere.example' } }) },
          422,
          'oidc_discovery_failed',
        ],
        [{ allowedDomains: ['bad domain'] }, 400, 'validation_failed'],
        [{ enabled: null }, 400, 'validation_failed'],
        [{ clientSecret: '' }, 400, 'validation_failed'],
        [{ name: 'x'.repeat(300_000) }, 400, 'validation_failed'],
      ] as const) {
        const res = await t.request('PATCH', path(org.tenantId, c.body.id), { ...as, body });
        expectProblem(res, status, code);
      }
      expect(await t.sql('SELECT * FROM sso_connections WHERE id = $1', [c.body.id])).toEqual(
        before,
      );
      for (const id of ['not-a-uuid', '0190a0a0-0000-7000-8000-000000000000', 'x'.repeat(300)]) {
        for (const res of await Promise.all([
          t.request('GET', path(org.tenantId, id), as),
          t.request('PATCH', path(org.tenantId, id), { ...as, body: { name: 'n' } }),
          t.request('DELETE', path(org.tenantId, id), as),
        ]))
          expect([404, 414]).toContain(res.status);
      }
    });
  });

  describe('checks the discovery document', () => {
    it.each<[string, () => string, RegExp]>([
      ['no document (404)', () => `${idp.base}/nothing`, /HTTP 404/],
      [
        'another issuer',
        () => idp.issuer({ issuer: 'https://evil.example' }),
        /names the issuer "https:\/\/evil\.example"/,
      ],
      [
        'the issuer with a trailing slash',
        () => idp.issuer((issuer) => ({ issuer: `${issuer}/` })),
        /names the issuer .*character for character/,
      ],
      [
        'no authorization_endpoint',
        () => idp.issuer({ authorization_endpoint: undefined }),
        /no authorization_endpoint/,
      ],
      ['no token_endpoint', () => idp.issuer({ token_endpoint: undefined }), /no token_endpoint/],
      ['no jwks_uri', () => idp.issuer({ jwks_uri: 42 }), /no jwks_uri/],
      [
        'an http token endpoint elsewhere',
        () => idp.issuer({ token_endpoint: 'http://acme.example/token' }),
        /token_endpoint is not allowed/,
      ],
      [
        'a JWKS at the metadata address',
        () => idp.issuer({ jwks_uri: 'https://169.254.169.254/keys' }),
        /jwks_uri is not allowed.*link-local/,
      ],
      ['not JSON', () => idp.serving({ raw: '<html>hello</html>' }), /did not answer JSON/],
      ['a JSON list', () => idp.serving({ body: [1, 2] }), /JSON object/],
      ['a server error', () => idp.serving({ status: 500, body: {} }), /HTTP 500/],
      [
        'a redirect',
        () => idp.serving({ status: 302, body: {} }),
        /HTTP 302 \(redirects are not followed\)/,
      ],
      ['nothing listening', () => 'http://127.0.0.1:1/x', /refused the connection/],
    ])('%s: 422 oidc_discovery_failed, nothing stored', async (_label, issuerOf, reason) => {
      const before = (await rows(org.tenantId)).length;
      const res = await create(org, valid({ issuer: issuerOf() }));
      expectProblem(res, 422, 'oidc_discovery_failed');
      expect(res.body.detail).toMatch(reason);
      expect(await rows(org.tenantId)).toHaveLength(before);
    });

    it('fetches the document from the issuer it names, at create and when issuer or clientId change', async () => {
      const issuer = idp.issuer();
      const c = await create(org, valid({ issuer }));
      expect(c.status).toBe(201);
      const name = new URL(issuer).pathname;
      const count = () =>
        idp.hits.filter((h) => h === `${name}/.well-known/openid-configuration`).length;
      expect(count()).toBe(1);
      const as = { token: org.founder.accessToken };
      await t.request('PATCH', path(org.tenantId, c.body.id), { ...as, body: { enabled: false } });
      expect(count()).toBe(1);
      await t.request('PATCH', path(org.tenantId, c.body.id), {
        ...as,
        body: { clientId: 'new-client' },
      });
      expect(count()).toBe(2);
    });
  });

  it('without OIDC_CONNECTIONS_ALLOW_LOOPBACK refuses loopback issuers, by URL and when resolved', async () => {
    const strict = await startTestApp();
    try {
      const o = await createOrg(strict);
      const port = new URL(idp.base).port;
      for (const issuer of [
        idp.issuer(),
        `https://127.0.0.1:${port}/x`,
        `https://[::1]:${port}/x`,
        `https://localhost:${port}/x`,
      ]) {
        const res = await strict.request('POST', path(o.tenantId), {
          token: o.founder.accessToken,
          body: valid({ issuer }),
        });
        expectProblem(res, 400, 'url_not_allowed');
      }
      expect(
        await strict.sql('SELECT 1 FROM sso_connections WHERE tenant_id = $1', [o.tenantId]),
      ).toHaveLength(0);
    } finally {
      await strict.close();
    }
  });
});
