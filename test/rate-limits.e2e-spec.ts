import { HousekeepingService } from '../apps/identity-server/src/auth/housekeeping.service.js';
import { startTestApp, type Response, type TestApp } from './support/app.js';
import { expectProblem } from './support/fixtures.js';
import { ERROR, expectScimError, scimClient } from './support/scim.js';
import { login, PASSWORD, signup, type SignedUp } from './support/users.js';

/**
 * Rate limits on the public routes that cost the server or write on someone's behalf (issue #12,
 * failure 4): sign-up (an Argon2 hash each), the invitation link, and failed SCIM authentication
 * (an audit row in the tenant a public prefix names). Counted in PostgreSQL, so every instance
 * sees the same count.
 */
const LIMIT = 5;

function statuses(answers: Response[]): number[] {
  return answers.map((a) => a.status).sort();
}

function expectRateLimited(res: Response): void {
  expectProblem(res, 429, 'rate_limited');
  const after = Number(res.headers.get('retry-after'));
  expect(after).toBeGreaterThan(0);
  expect(after).toBeLessThanOrEqual(3600);
}

describe('rate limits across instances', () => {
  let a: TestApp;
  let b: TestApp;
  let person: SignedUp;
  beforeAll(async () => {
    const env = {
      SIGNUP_RATE_LIMIT: String(LIMIT),
      SIGNUP_RATE_WINDOW_MINUTES: '60',
      INVITATION_RATE_LIMIT: String(LIMIT),
      INVITATION_RATE_WINDOW_MINUTES: '10',
      SCIM_AUTH_FAILURES_PER_TOKEN: '3',
      SCIM_AUTH_FAILURES_PER_IP: '1000',
    };
    a = await startTestApp(env);
    b = await startTestApp(env, { shareDatabaseOf: a });
    person = await signup(a);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('refuses sign-ups from one address past the limit, whichever instance they reach', async () => {
    const pending = `SELECT count(*)::int AS n FROM email_tokens WHERE purpose = 'signup'`;
    const before = (await a.sql(pending))[0].n;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? b : a).request('POST', '/api/v1/auth/signup', {
          token: null,
          body: {
            email: `burst-${i}-${Date.now()}@example.com`,
            password: PASSWORD,
            displayName: `Burst ${i}`,
          },
        }),
      ),
    );
    // One of the five went to beforeAll's sign-up.
    expect(statuses(answers)).toEqual([...Array(LIMIT - 1).fill(202), ...Array(8).fill(429)]);
    for (const res of answers.filter((r) => r.status === 429)) expectRateLimited(res);
    expect((await a.sql(pending))[0].n).toBe(before + LIMIT - 1);
    // Sign-in is not a sign-up: it has its own limits.
    expect((await login(b, { email: person.email, password: PASSWORD })).status).toBe(200);
  });

  it('refuses invitation link look-ups from one address past the limit, accept included', async () => {
    const token = `inv_abcdefghijkl_${'a'.repeat(43)}`;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? b : a).request('GET', `/api/v1/invitations/${token}`, { token: null }),
      ),
    );
    expect(statuses(answers)).toEqual([...Array(LIMIT).fill(404), ...Array(7).fill(429)]);
    for (const res of answers.filter((r) => r.status === 429)) expectRateLimited(res);
    expectRateLimited(
      await a.request('POST', `/api/v1/invitations/${token}/accept`, {
        token: person.accessToken,
      }),
    );
  });

  it('refuses failed SCIM authentication per token prefix with the SCIM body, and audits two rows, not one per request', async () => {
    const c = await scimClient(a);
    const prefix = c.token.split('_').slice(0, 2).join('_');
    const forgedSecret = 'F'.repeat(43);
    const forged = `${prefix}_${forgedSecret}`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? b : a).request('GET', '/scim/v2/Users', { token: forged }),
      ),
    );
    expect(statuses(answers)).toEqual([...Array(3).fill(401), ...Array(17).fill(429)]);
    for (const res of answers.filter((r) => r.status === 429)) {
      expectScimError(res, 429);
      expect(res.body.schemas).toEqual([ERROR]);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const events = await a.sql(
      `SELECT type, changes FROM audit_events WHERE tenant_id = $1 AND type LIKE 'scim.auth.%' ORDER BY type`,
      [c.tenantId],
    );
    expect(events).toEqual([
      { type: 'scim.auth.failed', changes: { after: { reason: 'unknown_token', prefix } } },
      {
        type: 'scim.auth.rate_limited',
        changes: { after: { prefix, failures: 3, windowMinutes: 15 } },
      },
    ]);
    // The presented secret is stored nowhere and logged nowhere.
    const stored = await a.sql(
      'SELECT count(*)::int AS n FROM audit_events WHERE changes::text LIKE $1',
      [`%${forgedSecret}%`],
    );
    expect(stored).toEqual([{ n: 0 }]);
    expect([...a.logs, ...b.logs].join('\n')).not.toContain(forgedSecret);
    // The real token still works: failures of others never lock a tenant's provisioning out.
    expect((await c.request('GET', '/Users')).status).toBe(200);
  });

  it('counts refusals in a metric by limit', async () => {
    const metrics = await a.request('GET', '/metrics', { token: null });
    for (const limit of ['signup', 'invitation', 'scim_auth_token'])
      expect(metrics.text).toMatch(
        new RegExp(`^identity_rate_limit_refusals_total\\{limit="${limit}"\\} [1-9]`, 'm'),
      );
  });

  it('removes expired counters in housekeeping', async () => {
    await a.sql(
      `INSERT INTO rate_limits (key, hits, window_end) VALUES
         ('signup:203.0.113.7', 3, now() - interval '1 second'),
         ('signup:203.0.113.8', 3, now() + interval '1 hour')`,
    );
    const removed = await a.app.get(HousekeepingService).run();
    expect(removed.rateLimits).toBeGreaterThanOrEqual(1);
    expect(await a.sql(`SELECT key FROM rate_limits WHERE key LIKE 'signup:203.0.113.%'`)).toEqual([
      { key: 'signup:203.0.113.8' },
    ]);
  });
});

describe('failed SCIM authentication per address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      SCIM_AUTH_FAILURES_PER_IP: '10',
      SCIM_AUTH_FAILURES_PER_TOKEN: '1000',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses an address that fails with many prefixes', async () => {
    const c = await scimClient(t);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.request('GET', '/scim/v2/Users', {
          token: `scim_${String(i).padStart(12, 'p')}_${'s'.repeat(43)}`,
        }),
      ),
    );
    expect(statuses(answers)).toEqual([...Array(10).fill(401), ...Array(20).fill(429)]);
    for (const res of answers.filter((r) => r.status === 429)) expectScimError(res, 429);
    expect((await c.request('GET', '/Users')).status).toBe(200);
  });

  it('turns a limit off with 0', async () => {
    const off = await startTestApp({ SIGNUP_RATE_LIMIT: '0' }, { shareDatabaseOf: t });
    try {
      const answers = await Promise.all(Array.from({ length: 3 }, () => signup(off)));
      expect(answers).toHaveLength(3);
      expect(await t.sql(`SELECT key FROM rate_limits WHERE key LIKE 'signup:%'`)).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
