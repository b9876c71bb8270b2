import { OPERATOR_KEY, startTestApp, type TestApp } from './support/app.js';
import { createKey, createTenant, expectProblem } from './support/fixtures.js';

describe('operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves liveness and readiness without credentials', async () => {
    expect(await t.request('GET', '/health/live', { token: null })).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    expect(await t.request('GET', '/health/ready', { token: null })).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { database: 'ok' } },
    });
  });

  it('serves Prometheus metrics with request counts and durations by route pattern', async () => {
    const tenant = await createTenant(t);
    await t.request('GET', `/api/v1/tenants/${tenant.id}`);
    const res = await t.request('GET', '/metrics', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/api\/v1\/tenants\/:tenantId",status="200"\} \d+/,
    );
    expect(res.text).toMatch(
      /http_request_duration_seconds_bucket\{le="0.05",method="GET",route="\/api\/v1\/tenants\/:tenantId"\}/,
    );
    expect(res.text).toContain('process_resident_memory_bytes');
    expect(res.text).not.toContain(tenant.id);
  });

  it('publishes an OpenAPI document generated from the code, and a browsable UI', async () => {
    const doc = await t.request('GET', '/openapi.json', { token: null });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/tenants',
        '/api/v1/tenants/{tenantId}',
        '/api/v1/tenants/{tenantId}/limits',
        '/api/v1/tenants/{tenantId}/api-keys',
        '/api/v1/tenants/{tenantId}/api-keys/{keyId}',
        '/api/v1/tenants/{tenantId}/audit-events',
      ]),
    );
    expect(doc.body.components.schemas.CreateTenantDto.properties.slug.pattern).toBe(
      '^[a-z0-9-]{2,63}$',
    );
    const ui = await t.request('GET', '/docs', { token: null });
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('<html');
  });

  it('echoes a request id, or makes one, and logs one line per request with it', async () => {
    const given = await t.request('GET', '/health/live', {
      token: null,
      headers: { 'x-request-id': 'trace-abc.123' },
    });
    expect(given.headers.get('x-request-id')).toBe('trace-abc.123');
    const made = await t.request('GET', '/health/live', {
      token: null,
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const line = t.logs.map((l) => JSON.parse(l)).find((l) => l.reqId === 'trace-abc.123');
    expect(line).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/health/live',
      status: 200,
      msg: 'request',
    });
  });

  it('never writes a credential to the log', async () => {
    const tenant = await createTenant(t);
    const key = await createKey(t, tenant.id, 'admin');
    await t.request('GET', `/api/v1/tenants/${tenant.id}`, { token: key.key });
    await t.request('GET', `/api/v1/tenants/${tenant.id}`, { token: `${key.key.slice(0, -1)}Z` });
    const all = t.logs.join('\n');
    expect(all).not.toContain(key.key);
    expect(all).not.toContain(key.key.slice(key.prefix.length + 1));
    expect(all).not.toContain(OPERATOR_KEY);
    expect(all).toContain('rejected credential');
  });

  it('answers an unexpected failure with only an error id, and logs the error under that id', async () => {
    const tenant = await createTenant(t);
    await t.sql('ALTER TABLE api_keys RENAME TO api_keys_moved');
    try {
      const res = await t.request('GET', `/api/v1/tenants/${tenant.id}/api-keys`);
      expectProblem(res, 500, 'internal_error');
      expect(res.body.errorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.text).not.toContain('api_keys');
      expect(res.text).not.toMatch(/relation|stack|QueryFailed/i);
      const logged = t.logs.map((l) => JSON.parse(l)).find((l) => l.errorId === res.body.errorId);
      expect(logged).toMatchObject({ level: 'error' });
      expect(JSON.stringify(logged)).toContain('api_keys');
    } finally {
      await t.sql('ALTER TABLE api_keys_moved RENAME TO api_keys');
    }
  });

  it('reports not ready, with a problem, when the database is gone', async () => {
    const other = await startTestApp();
    await other.sql('SELECT 1');
    const admin = new URL(other.databaseUrl);
    const name = admin.pathname.slice(1);
    await t.sql(`DROP DATABASE ${name} WITH (FORCE)`);
    const res = await other.request('GET', '/health/ready', { token: null });
    expectProblem(res, 503, 'service_unavailable');
    await other.app.close();
  });
});
