import { OPERATOR_KEY, startTestApp, type TestApp } from './support/app.js';
import { createKey, createTenant, expectProblem } from './support/fixtures.js';
import { signup } from './support/users.js';

/**
 * Every endpoint answers malformed JSON, wrong types, unknown fields, over-long strings, bad
 * slugs, bad UUIDs and missing or wrong credentials with a 4xx problem and changes nothing.
 */
describe('bad input', () => {
  let t: TestApp;
  let tenantId: string;
  let keyId: string;

  beforeAll(async () => {
    t = await startTestApp();
    tenantId = (await createTenant(t)).id;
    keyId = (await createKey(t, tenantId, 'viewer')).id;
  });
  afterAll(async () => {
    await t.close();
  });

  const state = async () => ({
    tenants: await t.sql('SELECT * FROM tenants ORDER BY id'),
    keys: await t.sql('SELECT id, revoked_at FROM api_keys ORDER BY id'),
    events: await t.sql('SELECT count(*)::int AS n FROM audit_events'),
  });

  type Case = [
    label: string,
    method: string,
    path: () => string,
    init: { body?: unknown; raw?: string; token?: string | null; headers?: Record<string, string> },
    status: number,
    code: string,
  ];

  const bodies: [string, unknown, string][] = [
    ['a JSON array', [], 'validation_failed'],
    ['a JSON string', 'x', 'validation_failed'],
    ['null', null, 'validation_failed'],
    ['an unknown field', { name: 'x', isAdmin: true }, 'validation_failed'],
    ['a number for name', { name: 42 }, 'validation_failed'],
    ['an object for name', { name: { $ne: 1 } }, 'validation_failed'],
    ['an empty name', { name: '   ' }, 'validation_failed'],
    ['a 201-character name', { name: 'n'.repeat(201) }, 'validation_failed'],
    ['a 1 MB name', { name: 'n'.repeat(900_000) }, 'validation_failed'],
  ];

  const cases: Case[] = [
    ...bodies.map(([label, body, code]): Case => [
      `POST /tenants with ${label}`,
      'POST',
      () => '/api/v1/tenants',
      { body },
      400,
      code,
    ]),
    ...bodies.map(([label, body, code]): Case => [
      `POST /api-keys with ${label}`,
      'POST',
      () => `/api/v1/tenants/${tenantId}/api-keys`,
      { body },
      400,
      code,
    ]),
    ...(
      [
        ['a slug with capitals', { name: 'x', slug: 'Acme' }],
        ['a one-letter slug', { name: 'x', slug: 'a' }],
        ['a 64-letter slug', { name: 'x', slug: 'a'.repeat(64) }],
        ['a slug with a slash', { name: 'x', slug: 'a/b' }],
        ['invitationTtlDays 0', { name: 'x', settings: { invitationTtlDays: 0 } }],
        ['invitationTtlDays 31', { name: 'x', settings: { invitationTtlDays: 31 } }],
        ['invitationTtlDays 7.5', { name: 'x', settings: { invitationTtlDays: 7.5 } }],
        ['invitationTtlDays "7"', { name: 'x', settings: { invitationTtlDays: '7' } }],
        ['maxMembers -1', { name: 'x', settings: { maxMembers: -1 } }],
        ['an unknown provider', { name: 'x', settings: { allowedIdentityProviders: ['github'] } }],
        ['no providers', { name: 'x', settings: { allowedIdentityProviders: [] } }],
        [
          '"any" with another provider',
          { name: 'x', settings: { allowedIdentityProviders: ['any', 'google'] } },
        ],
        ['mfaRequired "yes"', { name: 'x', settings: { mfaRequired: 'yes' } }],
        ['settings as an array', { name: 'x', settings: [] }],
        ['settings as a string', { name: 'x', settings: 'x' }],
        ['an unknown setting', { name: 'x', settings: { colour: 'red' } }],
        ['password minLength 4', { name: 'x', settings: { passwordPolicy: { minLength: 4 } } }],
        ['an unknown password rule', { name: 'x', settings: { passwordPolicy: { maxLength: 4 } } }],
      ] as [string, unknown][]
    ).map(([label, body]): Case => [
      `POST /tenants with ${label}`,
      'POST',
      () => '/api/v1/tenants',
      { body },
      400,
      'validation_failed',
    ]),
    [
      'PATCH /tenants with a bad slug',
      'PATCH',
      () => `/api/v1/tenants/${tenantId}`,
      { body: { slug: '-- --' } },
      400,
      'validation_failed',
    ],
    [
      'PATCH /tenants with an unknown field',
      'PATCH',
      () => `/api/v1/tenants/${tenantId}`,
      { body: { id: 'x' } },
      400,
      'validation_failed',
    ],
    [
      'PATCH /tenants with maxMembers null',
      'PATCH',
      () => `/api/v1/tenants/${tenantId}`,
      { body: { settings: { maxMembers: null } } },
      400,
      'validation_failed',
    ],
    [
      'POST /api-keys with an unknown role',
      'POST',
      () => `/api/v1/tenants/${tenantId}/api-keys`,
      { body: { name: 'x', role: 'root' } },
      400,
      'validation_failed',
    ],
    [
      'POST /api-keys with a bad expiry',
      'POST',
      () => `/api/v1/tenants/${tenantId}/api-keys`,
      { body: { name: 'x', expiresAt: 'tomorrow' } },
      400,
      'validation_failed',
    ],
    [
      'malformed JSON',
      'POST',
      () => '/api/v1/tenants',
      { raw: '{"name": ' },
      400,
      'malformed_json',
    ],
    ['an empty JSON body', 'POST', () => '/api/v1/tenants', { raw: '' }, 400, 'malformed_json'],
    [
      'a text/plain body',
      'POST',
      () => '/api/v1/tenants',
      { raw: 'name=x', headers: { 'content-type': 'text/plain' } },
      415,
      'unsupported_media_type',
    ],
    [
      'a body over 1 MB',
      'POST',
      () => '/api/v1/tenants',
      { raw: JSON.stringify({ name: 'x'.repeat(1_100_000) }) },
      413,
      'payload_too_large',
    ],
    ['a bad tenant UUID', 'GET', () => '/api/v1/tenants/1234', {}, 404, 'tenant_not_found'],
    [
      'an SQL-ish tenant id',
      'GET',
      () => "/api/v1/tenants/'%20OR%201=1--",
      {},
      404,
      'tenant_not_found',
    ],
    [
      'a bad API key UUID',
      'DELETE',
      () => `/api/v1/tenants/${tenantId}/api-keys/nope`,
      {},
      404,
      'api_key_not_found',
    ],
    [
      'an unknown API key',
      'DELETE',
      () => `/api/v1/tenants/${tenantId}/api-keys/0190c8e2-0000-7000-8000-000000000000`,
      {},
      404,
      'api_key_not_found',
    ],
    ['no credential', 'GET', () => '/api/v1/tenants', { token: null }, 401, 'unauthenticated'],
    ['an empty bearer', 'GET', () => '/api/v1/tenants', { token: '' }, 401, 'unauthenticated'],
    [
      'a wrong operator key',
      'POST',
      () => '/api/v1/tenants',
      { token: OPERATOR_KEY.replace('x', 'y'), body: { name: 'x' } },
      401,
      'unauthenticated',
    ],
    [
      'a made-up tenant key',
      'GET',
      () => `/api/v1/tenants/${tenantId}`,
      { token: `tk_abcdefghijkl_${'a'.repeat(43)}` },
      401,
      'unauthenticated',
    ],
    [
      'a JWT-looking token',
      'GET',
      () => '/api/v1/tenants',
      { token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
      401,
      'unauthenticated',
    ],
    [
      'no credential on a tenant route',
      'PATCH',
      () => `/api/v1/tenants/${tenantId}`,
      { token: null, body: { name: 'x' } },
      401,
      'unauthenticated',
    ],
    ['an unknown route', 'GET', () => '/api/v1/nothing-here', {}, 404, 'route_not_found'],
    [
      'an unknown route without credentials',
      'DELETE',
      () => '/api/v1/tenants',
      { token: null },
      404,
      'route_not_found',
    ],
    ['a bad list limit', 'GET', () => '/api/v1/tenants?limit=-1', {}, 400, 'validation_failed'],
    [
      'a repeated list limit',
      'GET',
      () => '/api/v1/tenants?limit=1&limit=2',
      {},
      400,
      'validation_failed',
    ],
    [
      'a forged cursor',
      'GET',
      () => `/api/v1/tenants?cursor=${Buffer.from('{"at":"x","id":"y"}').toString('base64url')}`,
      {},
      400,
      'invalid_cursor',
    ],
  ];

  it.each(cases)('%s: 4xx, nothing changed', async (_label, method, path, init, status, code) => {
    const before = await state();
    const res = await t.request(method, path(), init);
    expectProblem(res, status, code);
    expect(await state()).toEqual(before);
  });

  it('names each bad field', async () => {
    const res = await t.request('POST', '/api/v1/tenants', {
      body: {
        name: 7,
        slug: 'A',
        settings: { maxMembers: 0, passwordPolicy: { minLength: 1 } },
        extra: 1,
      },
    });
    expectProblem(res, 400, 'validation_failed');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'name',
        'slug',
        'settings.maxMembers',
        'settings.passwordPolicy.minLength',
        'extra',
      ]),
    );
    expect(res.body.errors.find((e: { field: string }) => e.field === 'extra').message).toBe(
      'unknown field',
    );
  });

  it('never answers 5xx to a table of hostile requests', async () => {
    const person = await signup(t);
    const paths: [string, string | undefined][] = [
      ['/api/v1/tenants', undefined],
      [`/api/v1/tenants/${tenantId}`, undefined],
      [`/api/v1/tenants/${tenantId}/api-keys`, undefined],
      [`/api/v1/tenants/${tenantId}/api-keys/${keyId}`, undefined],
      [`/api/v1/tenants/${tenantId}/audit-events`, undefined],
      [`/api/v1/tenants/${tenantId}/limits`, undefined],
      ['/api/v1/auth/signup', undefined],
      ['/api/v1/auth/login', undefined],
      ['/api/v1/auth/refresh', undefined],
      ['/api/v1/auth/logout', person.accessToken],
      ['/api/v1/organizations', person.accessToken],
      ['/api/v1/me', person.accessToken],
      ['/api/v1/me/password', person.accessToken],
      ['/api/v1/me/sessions', person.accessToken],
      ['/api/v1/me/sessions/not-a-uuid', person.accessToken],
      ['/api/v1/me/api-keys', person.accessToken],
      ['/api/v1/me/mfa/totp', person.accessToken],
      ['/api/v1/me/mfa/totp/confirm', person.accessToken],
      ['/api/v1/me/security-events', person.accessToken],
    ];
    const payloads = [
      '{',
      '[]',
      '"',
      'null',
      '{"name":{"__proto__":{"x":1}}}',
      '{"constructor":{"prototype":{}}}',
      '\u0000',
      '{"name":"\ud800"}',
      '9'.repeat(400),
      '{"email":{"$gt":""},"password":1}',
      '{"email":"a@b.c","password":"x","totp":123456}',
      '{"refreshToken":["rt_x"]}',
      '{"code":null}',
    ];
    const methods = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];
    const statuses: number[] = [];
    for (const [path, token] of paths) {
      for (const method of methods) {
        // logout ends the session; keep it for the other paths
        if (path.endsWith('/logout') && method === 'POST') continue;
        for (const raw of payloads) {
          const res = await t.request(
            method,
            path,
            method === 'GET' || method === 'DELETE' ? { token } : { raw, token },
          );
          statuses.push(res.status);
          if (res.status >= 500)
            throw new Error(`${method} ${path} ${JSON.stringify(raw)} → ${res.status} ${res.text}`);
        }
      }
    }
    expect(statuses.length).toBe((paths.length * methods.length - 1) * payloads.length);
  });
});
