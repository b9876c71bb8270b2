import { randomUUID } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../apps/identity-server/src/common/security-headers.js';
import { startTestApp, type TestApp } from './support/app.js';
import { expectProblem } from './support/fixtures.js';
import { Browser, freePort, startIdp, type LocalIdp } from './support/identity-providers.js';
import { linkTokenFor } from './support/mail.js';
import { login, PASSWORD, signup, verifyEmail } from './support/users.js';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/x.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = 'console.log("console");';
/** What a browser sends when it navigates to a page. */
const NAVIGATE = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the admin console, served from the same origin', () => {
  let dir: string;
  let t: TestApp;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), INDEX);
    await writeFile(join(dir, 'assets', 'x.js'), SCRIPT);
    t = await startTestApp({ CONSOLE_DIR: dir });
  });

  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const page = (path: string) => t.request('GET', path, { token: null, headers: NAVIGATE });

  it.each([
    '/',
    '/index.html',
    '/sign-in',
    '/invite/inv_abcdefgh_0123456789',
    '/settings/users',
    '/verify-email?token=el_abc_def',
    '/reset-password?token=el_abc_def',
    '/tenants/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/audit',
  ])('answers index.html for %s, with the CSP, no-referrer and no-cache', async (path) => {
    const res = await page(path);
    expect(res.status).toBe(200);
    expect(res.text).toBe(INDEX);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers the hashed files under /assets/ as immutable', async () => {
    const res = await t.request('GET', '/assets/x.js', { token: null });
    expect(res.status).toBe(200);
    expect(res.text).toBe(SCRIPT);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it.each([
    ['an unknown API path', '/api/v1/nope'],
    ['an unknown API path under a known prefix', '/api/v1/auth/nope'],
    ['a missing asset', '/assets/missing.js'],
    ['under /docs', '/docs/nope'],
    ['under /health', '/health/nope'],
    ['under /.well-known', '/.well-known/nope'],
  ])('keeps %s a problem+json 404 even for a browser', async (_label, path) => {
    const res = await page(path);
    expectProblem(res, 404, 'route_not_found');
  });

  it('keeps SCIM 404s in the SCIM error format', async () => {
    const res = await page('/scim/v2/Nope');
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('<html');
  });

  it('answers index.html only to GETs that accept HTML', async () => {
    const post = await t.request('POST', '/invite/inv_abc', {
      token: null,
      headers: NAVIGATE,
      body: {},
    });
    expectProblem(post, 404, 'route_not_found');
    const json = await t.request('GET', '/settings/users', {
      token: null,
      headers: { accept: 'application/json' },
    });
    expectProblem(json, 404, 'route_not_found');
  });

  it('leaves the API and /docs unchanged', async () => {
    expect((await t.request('GET', '/health/live', { token: null })).status).toBe(200);
    const docs = await page('/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).not.toBe(INDEX);
    const openapi = await t.request('GET', '/openapi.json', { token: null });
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toMatch(/^3\./);
  });
});

describe('without a console build', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      CONSOLE_DIR: join(tmpdir(), `no-console-${process.pid}-${Date.now()}`),
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('says so once at start and answers / with the old 404', async () => {
    const lines = t.logs.filter((l) => l.includes('admin console not built: run npm run build'));
    expect(lines).toHaveLength(1);
    for (const path of ['/', '/invite/inv_abc', '/settings/users'])
      expectProblem(
        await t.request('GET', path, { token: null, headers: NAVIGATE }),
        404,
        'route_not_found',
      );
  });
});

/** The refresh_token cookie a response set, parsed: its value and attributes. */
function refreshCookie(res: { headers: Headers }): {
  value: string;
  attributes: string[];
} | null {
  const line = res.headers.getSetCookie().find((c) => c.startsWith('refresh_token='));
  if (!line) return null;
  const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
  return { value: pair.slice('refresh_token='.length), attributes };
}

const COOKIE_MODE = { 'x-refresh-cookie': '1' };

describe('the refresh token in an httpOnly cookie (cookie mode)', () => {
  let t: TestApp;
  const MAX_AGE = 90 * 60;

  beforeAll(async () => {
    t = await startTestApp({ SESSION_MAX_AGE_MINUTES: '90' });
  });

  afterAll(async () => {
    await t?.close();
  });

  const refresh = (cookie: string | null, headers: Record<string, string> = COOKIE_MODE) =>
    t.request('POST', '/api/v1/auth/refresh', {
      token: null,
      headers: { ...headers, ...(cookie === null ? {} : { cookie: `refresh_token=${cookie}` }) },
    });

  it('sets the cookie at sign-in, trades it once per refresh, and revokes the session on reuse', async () => {
    const person = await signup(t);
    const signedIn = await login(t, { email: person.email, password: PASSWORD }, COOKIE_MODE);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ accessToken: expect.any(String), refreshToken: '' });
    const first = refreshCookie(signedIn);
    expect(first?.value).toMatch(/^rt_/);
    expect(first?.attributes.sort()).toEqual(
      ['HttpOnly', 'Max-Age=' + MAX_AGE, 'Path=/api/v1/auth', 'SameSite=Strict'].sort(),
    );

    // No body at all, and an empty JSON object: the cookie is traded.
    const rotated = await refresh(first!.value);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ accessToken: expect.any(String), refreshToken: '' });
    const second = refreshCookie(rotated);
    expect(second?.value).toMatch(/^rt_/);
    expect(second?.value).not.toBe(first?.value);
    const again = await t.request('POST', '/api/v1/auth/refresh', {
      token: null,
      headers: { ...COOKIE_MODE, cookie: `theme=dark; refresh_token=${second!.value}` },
      body: {},
    });
    expect(again.status).toBe(200);
    const third = refreshCookie(again)!;
    const access = again.body.accessToken as string;
    expect((await t.request('GET', '/api/v1/me', { token: access })).status).toBe(200);

    // The first cookie again: reuse, the session is revoked and the cookie cleared.
    const reused = await refresh(first!.value);
    expectProblem(reused, 401, 'refresh_token_reused');
    expect(refreshCookie(reused)).toEqual({
      value: '',
      attributes: expect.arrayContaining(['Max-Age=0', 'Path=/api/v1/auth']),
    });
    expectProblem(await refresh(third.value), 401, 'refresh_token_invalid');
    expect((await t.request('GET', '/api/v1/me', { token: access })).status).toBe(401);
    const [session] = await t.sql(
      `SELECT revoked_reason FROM sessions s JOIN accounts a ON a.id = s.account_id
        WHERE lower(a.email) = $1 AND s.revoked_at IS NOT NULL`,
      [person.email.toLowerCase()],
    );
    expect(session?.revoked_reason).toBe('refresh_token_reused');
  });

  it('clears the cookie at sign-out', async () => {
    const person = await signup(t);
    const signedIn = await login(t, { email: person.email, password: PASSWORD }, COOKIE_MODE);
    const cookie = refreshCookie(signedIn)!.value;
    const out = await t.request('POST', '/api/v1/auth/logout', {
      token: signedIn.body.accessToken,
      headers: { cookie: `refresh_token=${cookie}` },
    });
    expect(out.status).toBe(204);
    expect(refreshCookie(out)).toEqual({
      value: '',
      attributes: expect.arrayContaining([
        'Max-Age=0',
        'Path=/api/v1/auth',
        'HttpOnly',
        'SameSite=Strict',
      ]),
    });
    expectProblem(await refresh(cookie), 401, 'refresh_token_invalid');
  });

  it('signs in through a sign-up link in cookie mode too (verify-email signedIn)', async () => {
    const email = `cookie.${Date.now()}@example.com`;
    await t.request('POST', '/api/v1/auth/signup', {
      token: null,
      body: { email, password: PASSWORD, displayName: 'Cookie' },
    });
    const verified = await verifyEmail(
      t,
      await linkTokenFor(t, email, '/verify-email'),
      COOKIE_MODE,
    );
    expect(verified.status).toBe(200);
    expect(verified.body.signedIn).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: '',
    });
    const cookie = refreshCookie(verified);
    expect(cookie?.value).toMatch(/^rt_/);
    expect((await refresh(cookie!.value)).status).toBe(200);
  });

  it('leaves the body flow unchanged without the header, and reads the cookie only with it', async () => {
    const person = await signup(t);
    const signedIn = await login(t, { email: person.email, password: PASSWORD });
    expect(signedIn.body.refreshToken).toMatch(/^rt_/);
    expect(refreshCookie(signedIn)).toBeNull();
    const token = signedIn.body.refreshToken as string;

    // A cookie without the header is not read (a cross-site form could send the cookie, never
    // the header): the body's token is required, as before.
    expectProblem(await refresh(token, {}), 400, 'validation_failed');
    // The header without a cookie (and no body token).
    expectProblem(await refresh(null), 401, 'refresh_token_invalid');

    const rotated = await t.request('POST', '/api/v1/auth/refresh', {
      token: null,
      body: { refreshToken: token },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).toMatch(/^rt_/);
    expect(refreshCookie(rotated)).toBeNull();

    // A body token in cookie mode: traded, and the next one goes to the cookie.
    const switched = await t.request('POST', '/api/v1/auth/refresh', {
      token: null,
      headers: COOKIE_MODE,
      body: { refreshToken: rotated.body.refreshToken },
    });
    expect(switched.status).toBe(200);
    expect(switched.body.refreshToken).toBe('');
    expect(refreshCookie(switched)?.value).toMatch(/^rt_/);
  });

  it('gives other sites no way to trade the cookie: no CORS preflight, no form bodies', async () => {
    const person = await signup(t);
    const signedIn = await login(t, { email: person.email, password: PASSWORD }, COOKIE_MODE);
    const cookie = `refresh_token=${refreshCookie(signedIn)!.value}`;
    const preflight = await fetch(`${t.baseUrl}/api/v1/auth/refresh`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-refresh-cookie',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    const form = await t.request('POST', '/api/v1/auth/refresh', {
      token: null,
      raw: 'refreshToken=',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    });
    expectProblem(form, 415, 'unsupported_media_type');
    expect(refreshCookie(form)).toBeNull();
    // The cookie still works: nothing above spent it.
    expect((await refresh(refreshCookie(signedIn)!.value)).status).toBe(200);
  });

  it('marks the cookie Secure when PUBLIC_URL is https', async () => {
    const secure = await startTestApp(
      { PUBLIC_URL: 'https://id.example.com', SESSION_MAX_AGE_MINUTES: '90' },
      { shareDatabaseOf: t },
    );
    try {
      const person = await signup(secure);
      const signedIn = await login(
        secure,
        { email: person.email, password: PASSWORD },
        COOKIE_MODE,
      );
      expect(refreshCookie(signedIn)?.attributes).toContain('Secure');
    } finally {
      await secure.close();
    }
  });
});

describe('cookie mode at the SSO exchange', () => {
  let t: TestApp;
  let google: LocalIdp;
  let publicUrl: string;

  beforeAll(async () => {
    google = await startIdp('google');
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    t = await startTestApp({
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      GOOGLE_CLIENT_ID: 'google-client',
      GOOGLE_CLIENT_SECRET: 'google-secret',
      GOOGLE_ISSUER: google.url,
    });
  });

  afterAll(async () => {
    await t?.close();
    await google?.close();
  });

  it('sets the cookie and answers refreshToken ""', async () => {
    google.next({
      sub: `g-${randomUUID()}`,
      email: `g-${randomUUID()}@gmail.example`,
      email_verified: true,
    });
    const run = await new Browser().follow(
      `${publicUrl}/api/v1/auth/sso/google?returnTo=/welcome`,
      `${publicUrl}/welcome`,
    );
    const code = run.final?.searchParams.get('code');
    expect(code).toMatch(/^ssoc_/);
    const tokens = await t.request('POST', '/api/v1/auth/sso/exchange', {
      token: null,
      headers: COOKIE_MODE,
      body: { code },
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body.refreshToken).toBe('');
    const cookie = refreshCookie(tokens);
    expect(cookie?.value).toMatch(/^rt_/);
    const rotated = await t.request('POST', '/api/v1/auth/refresh', {
      token: null,
      headers: { ...COOKIE_MODE, cookie: `refresh_token=${cookie!.value}` },
    });
    expect(rotated.status).toBe(200);
  });
});

describe('the invitation preview for the landing page', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  const preview = (inviteUrl: string) =>
    t.request('GET', `/api/v1/invitations/${inviteUrl.split('/invite/')[1]}`, { token: null });

  it('names who invited, the Entra directory, and the address masked', async () => {
    const admin = await signup(t, { displayName: 'Ada Admin' });
    const org = await t.request('POST', '/api/v1/organizations', {
      token: admin.accessToken,
      body: { name: `Preview Org ${randomUUID()}` },
    });
    const tenantId = org.body.id as string;
    const entra = '11111111-2222-3333-4444-555555555555';
    const byAdmin = await t.request('POST', `/api/v1/tenants/${tenantId}/invitations`, {
      token: admin.accessToken,
      body: {
        email: 'Grace.Hopper@Example.com',
        username: 'grace',
        role: 'developer',
        identityProvider: 'microsoft',
        entraTenantId: entra,
      },
    });
    expect(byAdmin.status).toBe(201);
    const seen = await preview(byAdmin.body.inviteUrl);
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual({
      tenantName: org.body.name,
      role: 'developer',
      identityProvider: 'microsoft',
      entraTenantId: entra,
      email: 'g***@example.com',
      invitedBy: 'Ada Admin',
      status: 'pending',
      expiresAt: byAdmin.body.expiresAt,
    });
    expect(seen.text).not.toContain('hopper');

    const byOperator = await t.request('POST', `/api/v1/tenants/${tenantId}/invitations`, {
      body: { email: 'x@example.org', username: 'x', role: 'viewer' },
    });
    expect((await preview(byOperator.body.inviteUrl)).body).toMatchObject({
      identityProvider: 'any',
      entraTenantId: null,
      email: 'x***@example.org',
      invitedBy: 'The platform operator',
    });
  });
});
