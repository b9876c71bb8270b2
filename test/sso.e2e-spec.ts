import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from './support/app.js';
import {
  Browser,
  freePort,
  startIdp,
  type IdpUser,
  type LocalIdp,
} from './support/identity-providers.js';

const ENTRA_TENANT = '11111111-2222-3333-4444-555555555555';
const OTHER_ENTRA_TENANT = '99999999-8888-7777-6666-555555555555';

describe('sign-in with Google and Microsoft Entra ID', () => {
  let t: TestApp;
  let google: LocalIdp;
  let entra: LocalIdp;
  let publicUrl: string;

  beforeAll(async () => {
    google = await startIdp('google');
    entra = await startIdp('entra');
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    t = await startTestApp({
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      GOOGLE_CLIENT_ID: 'google-client',
      GOOGLE_CLIENT_SECRET: 'google-secret',
      GOOGLE_ISSUER: google.url,
      MICROSOFT_CLIENT_ID: 'entra-client',
      MICROSOFT_CLIENT_SECRET: 'entra-secret',
      MICROSOFT_AUTHORITY: entra.url,
    });
  });
  afterAll(async () => {
    await t?.close();
    await google?.close();
    await entra?.close();
  });

  /** Starts at the server, signs in at the provider as `user`, comes back to returnTo. */
  async function signInWith(
    provider: 'google' | 'microsoft',
    user: IdpUser,
    query: Record<string, string> = {},
    browser = new Browser(),
  ) {
    (provider === 'google' ? google : entra).next(user);
    const params = new URLSearchParams({ returnTo: '/welcome', ...query });
    const run = await browser.follow(
      `${publicUrl}/api/v1/auth/sso/${provider}?${params}`,
      `${publicUrl}/welcome`,
    );
    return {
      ...run,
      browser,
      code: run.final?.searchParams.get('code') ?? null,
      error: run.final?.searchParams.get('error') ?? null,
    };
  }

  async function exchange(code: string | null) {
    return t.request('POST', '/api/v1/auth/sso/exchange', { token: null, body: { code } });
  }

  it('signs a new person in with Google: account created, verified email, session by method', async () => {
    const email = `g-${randomUUID()}@gmail.example`;
    const run = await signInWith('google', {
      sub: `g-${randomUUID()}`,
      email,
      email_verified: true,
      name: 'Gina Google',
    });
    expect(run.error).toBeNull();
    expect(run.code).toMatch(/^ssoc_/);
    const tokens = await exchange(run.code);
    expect(tokens.status).toBe(200);
    const me = await t.request('GET', '/api/v1/me', { token: tokens.body.accessToken });
    expect(me.body).toMatchObject({ email, emailVerified: true, displayName: 'Gina Google' });
    const sessions = await t.request('GET', '/api/v1/me/sessions', {
      token: tokens.body.accessToken,
    });
    expect(sessions.body.data[0].signInMethod).toBe('google');
  });
});
