import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../apps/identity-server/src/common/security-headers.js';
import { startTestApp, type TestApp } from './support/app.js';
import { expectProblem } from './support/fixtures.js';

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
