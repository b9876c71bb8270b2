import { randomUUID } from 'node:crypto';
import { SecretBox, parseKeyring } from '#auth-crypto';
import { startTestApp, TEST_ENCRYPTION_KEYS, type TestApp } from './support/app.js';
import { expectProblem } from './support/fixtures.js';
import { createOrg } from './support/orgs.js';
import { authenticator, signup } from './support/users.js';
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
  let okta: LocalIdp;
  let publicUrl: string;

  beforeAll(async () => {
    google = await startIdp('google');
    entra = await startIdp('entra');
    okta = await startIdp('oidc');
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
      OIDC_CONNECTIONS_ALLOW_LOOPBACK: 'true',
    });
  });
  afterAll(async () => {
    await t?.close();
    await google?.close();
    await entra?.close();
    await okta?.close();
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
      `${publicUrl}/api/v1/auth/sso/${provider}?${params.toString()}`,
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

  it('signs the same Google identity in to the same account the second time', async () => {
    const user = {
      sub: `g-${randomUUID()}`,
      email: `again-${randomUUID()}@gmail.example`,
      email_verified: true,
    };
    const first = await exchange((await signInWith('google', user)).code);
    const second = await exchange((await signInWith('google', { ...user, name: 'Renamed' })).code);
    const a = await t.request('GET', '/api/v1/me', { token: first.body.accessToken });
    const b = await t.request('GET', '/api/v1/me', { token: second.body.accessToken });
    expect(b.body.id).toBe(a.body.id);
    const rows = await t.sql('SELECT count(*)::int AS n FROM accounts WHERE lower(email) = $1', [
      user.email,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('keys Entra identities by (tid, oid): the same oid in another directory is another person', async () => {
    const oid = randomUUID();
    const a = await exchange(
      (
        await signInWith('microsoft', {
          tid: ENTRA_TENANT,
          oid,
          email: `e1-${oid}@contoso.example`,
          xms_edov: true,
        })
      ).code,
    );
    const b = await exchange(
      (
        await signInWith('microsoft', {
          tid: OTHER_ENTRA_TENANT,
          oid,
          email: `e2-${oid}@fabrikam.example`,
          xms_edov: true,
        })
      ).code,
    );
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const ids = await t.sql(
      "SELECT account_id, directory_id FROM account_identities WHERE provider = 'microsoft' AND subject = $1 ORDER BY directory_id",
      [oid],
    );
    expect(ids.map((r) => r.directory_id)).toEqual([ENTRA_TENANT, OTHER_ENTRA_TENANT]);
    expect(ids[0].account_id).not.toBe(ids[1].account_id);
  });

  it("refuses an Entra token whose issuer is not its own directory's", async () => {
    const run = await signInWith('microsoft', {
      tid: ENTRA_TENANT,
      oid: randomUUID(),
      email: `spoof-${randomUUID()}@contoso.example`,
      iss: `${entra.url}/${OTHER_ENTRA_TENANT}/v2.0`,
    });
    expect(run.code).toBeNull();
    expect(run.error).toBe('sso_issuer_not_allowed');
  });

  it('refuses to link by an email the provider does not vouch for (nOAuth), and links by a vouched one', async () => {
    const person = await signup(t);
    await t.sql('UPDATE accounts SET email_verified = true WHERE lower(email) = $1', [
      person.email.toLowerCase(),
    ]);
    const attacker = await signInWith('microsoft', {
      tid: OTHER_ENTRA_TENANT,
      oid: randomUUID(),
      email: person.email,
    });
    expect(attacker.error).toBe('account_link_required');
    const google = await signInWith('google', {
      sub: `g-${randomUUID()}`,
      email: person.email,
      email_verified: false,
    });
    expect(google.error).toBe('account_link_required');
    const owner = await signInWith('google', {
      sub: `g-${randomUUID()}`,
      email: person.email,
      email_verified: true,
    });
    const tokens = await exchange(owner.code);
    const me = await t.request('GET', '/api/v1/me', { token: tokens.body.accessToken });
    expect(me.body.email).toBe(person.email);
    expect(me.body.signInMethods).toEqual(['google', 'password']);
    const events = await t.sql(
      "SELECT type, changes FROM audit_events WHERE target_id = $1 AND type IN ('identity.linked') ",
      [me.body.id],
    );
    expect(events).toHaveLength(1);
    const failures = await t.sql(
      "SELECT changes FROM audit_events WHERE type = 'auth.sso.failed' AND changes::text LIKE '%account_link_required%'",
    );
    expect(failures.length).toBeGreaterThanOrEqual(2);
  });

  it('does not link a vouched email to an account whose own email is not verified', async () => {
    const person = await signup(t);
    await t.sql('UPDATE accounts SET email_verified = false WHERE lower(email) = $1', [
      person.email.toLowerCase(),
    ]);
    const run = await signInWith('google', {
      sub: `g-${randomUUID()}`,
      email: person.email,
      email_verified: true,
    });
    expect(run.error).toBe('account_link_required');
  });

  describe('invitations', () => {
    async function invite(body: Record<string, unknown>, settings: Record<string, unknown> = {}) {
      const org = await createOrg(t, settings);
      const res = await t.request('POST', `/api/v1/tenants/${org.tenantId}/invitations`, {
        token: org.founder.accessToken,
        body: { role: 'member', ...body },
      });
      expect(res.status).toBe(201);
      return {
        org,
        token: String(res.body.inviteUrl).split('/invite/')[1] as string,
        invitation: res.body,
      };
    }

    it('the seed flow: invited with Microsoft Entra ID and a tenant id, signs in at Microsoft, becomes a member with the invited role', async () => {
      const upn = `ada-${randomUUID().slice(0, 8)}@contoso.example`;
      const { org, token } = await invite({
        email: upn,
        username: upn.split('@')[0],
        role: 'admin',
        identityProvider: 'microsoft',
        entraTenantId: ENTRA_TENANT,
      });
      const providers = await t.request('GET', `/api/v1/auth/providers?invitation=${token}`, {
        token: null,
      });
      expect(providers.body.providers.map((p: { id: string }) => p.id)).toEqual(['microsoft']);
      const run = await signInWith(
        'microsoft',
        {
          tid: ENTRA_TENANT,
          oid: randomUUID(),
          preferred_username: upn.toUpperCase(),
          name: 'Ada',
        },
        { invitation: token },
      );
      expect(run.error).toBeNull();
      const tokens = await exchange(run.code);
      const members = await t.request('GET', `/api/v1/tenants/${org.tenantId}/members`, {
        token: tokens.body.accessToken,
      });
      expect(members.status).toBe(200);
      expect(
        members.body.data.find((m: { username: string }) => m.username === upn.split('@')[0]),
      ).toMatchObject({ role: 'admin', status: 'active' });
      const audit = await t.sql(
        "SELECT changes FROM audit_events WHERE tenant_id = $1 AND type = 'invitation.accepted'",
        [org.tenantId],
      );
      expect(audit[0].changes.after.signInMethod).toBe('microsoft');
    });

    it('refuses an invitation bound to Google when signing in with Microsoft, at the start and at acceptance', async () => {
      const email = `bound-${randomUUID()}@gmail.example`;
      const { token } = await invite({
        email,
        username: email.split('@')[0],
        identityProvider: 'google',
      });
      const start = await t.request('GET', `/api/v1/auth/sso/microsoft?invitation=${token}`, {
        token: null,
      });
      expectProblem(start, 403, 'identity_provider_mismatch');
      // Signed in with Microsoft some other way, then trying the link: refused and audited.
      const ms = await exchange(
        (
          await signInWith('microsoft', {
            tid: ENTRA_TENANT,
            oid: randomUUID(),
            email,
            xms_edov: true,
          })
        ).code,
      );
      const accept = await t.request('POST', `/api/v1/invitations/${token}/accept`, {
        token: ms.body.accessToken,
      });
      expectProblem(accept, 403, 'identity_provider_mismatch');
      const refused = await t.sql(
        "SELECT changes FROM audit_events WHERE type = 'invitation.refused' AND changes::text LIKE '%identity_provider_mismatch%'",
      );
      expect(refused.length).toBeGreaterThanOrEqual(1);
      const ok = await signInWith(
        'google',
        { sub: `g-${randomUUID()}`, email, email_verified: true },
        { invitation: token },
      );
      expect(ok.error).toBeNull();
    });

    it('enforces the Entra tenant id the invitation names', async () => {
      const upn = `grace-${randomUUID().slice(0, 8)}@contoso.example`;
      const { token } = await invite({
        email: upn,
        username: upn.split('@')[0],
        identityProvider: 'microsoft',
        entraTenantId: ENTRA_TENANT,
      });
      const run = await signInWith(
        'microsoft',
        {
          tid: OTHER_ENTRA_TENANT,
          oid: randomUUID(),
          preferred_username: upn.split('@')[0],
          email: upn,
          xms_edov: true,
        },
        { invitation: token },
      );
      expect(run.error).toBe('identity_provider_mismatch');
      expect(run.code).toBeNull();
    });

    it('is redeemed only by its invitee, unless the tenant lets anyone with the link in', async () => {
      const email = `alice-${randomUUID()}@gmail.example`;
      const { token } = await invite({ email, username: `alice-${randomUUID().slice(0, 6)}` });
      const bob = await signInWith(
        'google',
        {
          sub: `g-${randomUUID()}`,
          email: `bob-${randomUUID()}@gmail.example`,
          email_verified: true,
        },
        { invitation: token },
      );
      expect(bob.error).toBe('invitee_mismatch');
      // An Entra UPN from a directory the invitation does not name is not proof.
      const upn = await signInWith(
        'microsoft',
        { tid: OTHER_ENTRA_TENANT, oid: randomUUID(), preferred_username: email },
        { invitation: token },
      );
      expect(upn.error).toBe('invitee_mismatch');
      const open = await invite(
        {
          email: `carol-${randomUUID()}@gmail.example`,
          username: `carol-${randomUUID().slice(0, 6)}`,
        },
        { invitationRedemption: 'anyone_with_link' },
      );
      const anyone = await signInWith(
        'google',
        {
          sub: `g-${randomUUID()}`,
          email: `dave-${randomUUID()}@gmail.example`,
          email_verified: true,
        },
        { invitation: open.token },
      );
      expect(anyone.error).toBeNull();
    });

    it('needs a verified email for a password account to accept', async () => {
      const person = await signup(t);
      await t.sql('UPDATE accounts SET email_verified = false WHERE lower(email) = $1', [
        person.email.toLowerCase(),
      ]);
      const { token } = await invite({
        email: person.email,
        username: `p-${randomUUID().slice(0, 6)}`,
      });
      const accept = await t.request('POST', `/api/v1/invitations/${token}/accept`, {
        token: person.accessToken,
      });
      expectProblem(accept, 403, 'email_not_verified');
      await t.sql('UPDATE accounts SET email_verified = true WHERE lower(email) = $1', [
        person.email.toLowerCase(),
      ]);
      const again = await t.request('POST', `/api/v1/invitations/${token}/accept`, {
        token: person.accessToken,
      });
      expect(again.status).toBe(200);
    });
  });

  describe('the flow cannot be tampered with', () => {
    async function startAt(provider: 'google' | 'microsoft', user: IdpUser) {
      (provider === 'google' ? google : entra).next(user);
      const browser = new Browser();
      const start = await browser.get(`${publicUrl}/api/v1/auth/sso/${provider}?returnTo=/welcome`);
      expect(start.status).toBe(302);
      const atIdp = await browser.get(start.headers.get('location') as string);
      return {
        browser,
        callback: atIdp.headers.get('location') as string,
        host: new URL(publicUrl).host,
      };
    }

    it('refuses a callback without, with an altered or with an expired flow cookie', async () => {
      const user = {
        sub: `g-${randomUUID()}`,
        email: `s-${randomUUID()}@gmail.example`,
        email_verified: true,
      };
      const missing = await startAt('google', user);
      const none = await fetch(missing.callback, { redirect: 'manual' });
      expect(none.status).toBe(400);
      expect(((await none.json()) as { code: string }).code).toBe('sso_state_invalid');

      const altered = await startAt('google', user);
      const sealed = altered.browser.cookie(altered.host, 'sso_flow') as string;
      altered.browser.setCookie(
        altered.host,
        'sso_flow',
        sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA'),
      );
      const bad = await altered.browser.get(altered.callback);
      expect(bad.status).toBe(400);

      const expired = await startAt('google', user);
      const box = new SecretBox(parseKeyring(TEST_ENCRYPTION_KEYS));
      const flow = JSON.parse(
        box
          .open(expired.browser.cookie(expired.host, 'sso_flow') as string, 'sso-flow-v1')
          .toString(),
      );
      expired.browser.setCookie(
        expired.host,
        'sso_flow',
        box.seal(JSON.stringify({ ...flow, exp: Date.now() - 1 }), 'sso-flow-v1'),
      );
      const late = await expired.browser.get(expired.callback);
      expect(late.status).toBe(400);
      expect(((await late.json()) as { code: string }).code).toBe('sso_state_invalid');
    });

    it("refuses a callback whose state is not the flow's (login CSRF), for both providers", async () => {
      for (const provider of ['google', 'microsoft'] as const) {
        const run = await startAt(provider, {
          sub: `x-${randomUUID()}`,
          tid: ENTRA_TENANT,
          oid: randomUUID(),
          email: `c-${randomUUID()}@x.example`,
          email_verified: true,
          xms_edov: true,
        });
        const url = new URL(run.callback);
        url.searchParams.set('state', 'forged');
        const res = await run.browser.get(url.href);
        expect(res.status).toBe(302);
        const back = new URL(res.headers.get('location') as string);
        expect(back.searchParams.get('code')).toBeNull();
        expect(back.searchParams.get('error')).toMatch(/^sso_(state_invalid|failed)$/);
      }
    });

    it('a code works once and for 60 seconds', async () => {
      const run = await signInWith('google', {
        sub: `g-${randomUUID()}`,
        email: `c-${randomUUID()}@gmail.example`,
        email_verified: true,
      });
      const [first, second] = await Promise.all([exchange(run.code), exchange(run.code)]);
      expect([first.status, second.status].sort()).toEqual([200, 400]);
      expectProblem(await exchange(run.code), 400, 'sso_code_invalid');
      const late = await signInWith('google', {
        sub: `g-${randomUUID()}`,
        email: `l-${randomUUID()}@gmail.example`,
        email_verified: true,
      });
      await t.sql("UPDATE sso_codes SET expires_at = now() - interval '1 second'");
      expectProblem(await exchange(late.code), 400, 'sso_code_invalid');
      expectProblem(
        await exchange('ssoc_nothere_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'),
        400,
        'sso_code_invalid',
      );
    });

    it('refuses a returnTo on another origin', async () => {
      for (const returnTo of [
        'https://evil.example/x',
        '//evil.example/x',
        '/\\evil.example',
        'javascript:alert(1)',
        `${publicUrl}.evil.example/`,
      ]) {
        const res = await t.request(
          'GET',
          `/api/v1/auth/sso/google?returnTo=${encodeURIComponent(returnTo)}`,
          { token: null },
        );
        expectProblem(res, 400, 'return_to_invalid');
      }
      const same = await fetch(
        `${publicUrl}/api/v1/auth/sso/google?returnTo=${encodeURIComponent(`${publicUrl}/ok?x=1`)}`,
        { redirect: 'manual' },
      );
      expect(same.status).toBe(302);
    });

    it("passes the provider's error back to returnTo, with no code", async () => {
      google.failNext('access_denied', 'The user cancelled');
      const run = await signInWith('google', { sub: 'unused' });
      expect(run.code).toBeNull();
      expect(run.error).toBe('sso_provider_error');
    });

    it('never puts a token in a URL', async () => {
      const run = await signInWith('google', {
        sub: `g-${randomUUID()}`,
        email: `u-${randomUUID()}@gmail.example`,
        email_verified: true,
      });
      const tokens = await exchange(run.code);
      for (const hop of [...run.hops, run.final?.href ?? '']) {
        expect(hop).not.toContain(tokens.body.accessToken);
        expect(hop).not.toContain(tokens.body.refreshToken);
        expect(hop).not.toMatch(/access_token|id_token|client_secret/);
      }
      expect(t.logs.join('\n')).not.toContain('google-secret');
      expect(t.logs.join('\n')).not.toContain(run.code as string);
    });
  });

  describe("tenants' sign-in policy and MFA", () => {
    it('answers 403 sso_required to a member who signed in another way', async () => {
      const org = await createOrg(t);
      const patched = await t.request('PATCH', `/api/v1/tenants/${org.tenantId}`, {
        body: {
          settings: {
            allowedIdentityProviders: ['microsoft'],
            allowedEntraTenantIds: [ENTRA_TENANT],
          },
        },
      });
      expect(patched.status).toBe(200);
      expectProblem(
        await t.request('GET', `/api/v1/tenants/${org.tenantId}/members`, {
          token: org.founder.accessToken,
        }),
        403,
        'sso_required',
      );
      // The founder connects Microsoft accounts: from the wrong directory, then the right one.
      await t.sql('UPDATE accounts SET email_verified = true WHERE lower(email) = $1', [
        org.founder.email.toLowerCase(),
      ]);
      const wrong = await exchange(
        (
          await signInWith('microsoft', {
            tid: OTHER_ENTRA_TENANT,
            oid: randomUUID(),
            email: org.founder.email,
            xms_edov: true,
          })
        ).code,
      );
      expectProblem(
        await t.request('GET', `/api/v1/tenants/${org.tenantId}/members`, {
          token: wrong.body.accessToken,
        }),
        403,
        'sso_required',
      );
      const right = await exchange(
        (
          await signInWith('microsoft', {
            tid: ENTRA_TENANT,
            oid: randomUUID(),
            email: org.founder.email,
            xms_edov: true,
          })
        ).code,
      );
      expect(
        (
          await t.request('GET', `/api/v1/tenants/${org.tenantId}/members`, {
            token: right.body.accessToken,
          })
        ).status,
      ).toBe(200);
    });

    it('asks an account with TOTP for its code after the provider, unless the provider asserted mfa', async () => {
      const person = await signup(t);
      await t.sql('UPDATE accounts SET email_verified = true WHERE lower(email) = $1', [
        person.email.toLowerCase(),
      ]);
      const enrol = await t.request('POST', '/api/v1/me/mfa/totp', { token: person.accessToken });
      const app = authenticator(enrol.body.otpauthUri);
      expect(
        (
          await t.request('POST', '/api/v1/me/mfa/totp/confirm', {
            token: person.accessToken,
            body: { code: app.code() },
          })
        ).status,
      ).toBe(200);
      const sub = `g-${randomUUID()}`;
      const run = await signInWith('google', { sub, email: person.email, email_verified: true });
      expectProblem(await exchange(run.code), 401, 'mfa_required');
      const withCode = await t.request('POST', '/api/v1/auth/sso/exchange', {
        token: null,
        body: { code: run.code, totp: app.code(1) },
      });
      expect(withCode.status).toBe(200);
      const asserted = await signInWith('google', {
        sub,
        email: person.email,
        email_verified: true,
        amr: ['pwd', 'mfa'],
      });
      expect((await exchange(asserted.code)).status).toBe(200);
    });
  });

  it("satisfies a tenant's mfaRequired with a provider that asserts mfa, and not without", async () => {
    const org = await createOrg(t);
    await t.request('PATCH', `/api/v1/tenants/${org.tenantId}`, {
      body: { settings: { mfaRequired: true } },
    });
    const email = `mfa-${randomUUID()}@gmail.example`;
    const invited = await t.request('POST', `/api/v1/tenants/${org.tenantId}/invitations`, {
      body: { email, username: `mfa-${randomUUID().slice(0, 6)}`, role: 'member' },
    });
    const token = String(invited.body.inviteUrl).split('/invite/')[1] as string;
    const sub = `g-${randomUUID()}`;
    const withMfa = await signInWith(
      'google',
      { sub, email, email_verified: true, amr: ['pwd', 'mfa'] },
      { invitation: token },
    );
    const strong = await exchange(withMfa.code);
    expect(
      (
        await t.request('GET', `/api/v1/tenants/${org.tenantId}/members`, {
          token: strong.body.accessToken,
        })
      ).status,
    ).toBe(200);
    const weak = await exchange(
      (await signInWith('google', { sub, email, email_verified: true })).code,
    );
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${org.tenantId}/members`, {
        token: weak.body.accessToken,
      }),
      403,
      'mfa_required',
    );
  });

  describe('connected sign-in methods', () => {
    it('lists, links from the profile, refuses an identity of another account, and never removes the last one', async () => {
      const person = await signup(t);
      const list = await t.request('GET', '/api/v1/me/identities', { token: person.accessToken });
      expect(list.body.data.map((i: { provider: string }) => i.provider)).toEqual(['password']);
      expectProblem(
        await t.request('DELETE', `/api/v1/me/identities/${list.body.data[0].id}`, {
          token: person.accessToken,
        }),
        409,
        'last_sign_in_method',
      );
      // Connect Microsoft: the API answers the provider URL and sets the flow cookie.
      const browser = new Browser();
      const started = await fetch(`${publicUrl}/api/v1/me/identities`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${person.accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ provider: 'microsoft', returnTo: '/welcome' }),
      });
      expect(started.status).toBe(200);
      browser.remember(new URL(publicUrl).host, started);
      const oid = randomUUID();
      entra.next({ tid: ENTRA_TENANT, oid, email: `other-${randomUUID()}@contoso.example` });
      const body = (await started.json()) as { redirectUrl: string };
      const run = await browser.follow(body.redirectUrl, `${publicUrl}/welcome`);
      expect(run.final?.searchParams.get('linked')).toBe('microsoft');
      const after = await t.request('GET', '/api/v1/me/identities', { token: person.accessToken });
      expect(after.body.data.map((i: { provider: string }) => i.provider)).toEqual([
        'password',
        'microsoft',
      ]);
      // The same identity cannot be connected to someone else.
      const other = await signup(t);
      const again = await fetch(`${publicUrl}/api/v1/me/identities`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${other.accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ provider: 'microsoft', returnTo: '/welcome' }),
      });
      const otherBrowser = new Browser();
      otherBrowser.remember(new URL(publicUrl).host, again);
      entra.next({ tid: ENTRA_TENANT, oid });
      const stolen = await otherBrowser.follow(
        ((await again.json()) as { redirectUrl: string }).redirectUrl,
        `${publicUrl}/welcome`,
      );
      expect(stolen.final?.searchParams.get('error')).toBe('identity_linked_elsewhere');
      // Now the password can go.
      const password = after.body.data.find((i: { provider: string }) => i.provider === 'password');
      expect(
        (
          await t.request('DELETE', `/api/v1/me/identities/${password.id}`, {
            token: person.accessToken,
          })
        ).status,
      ).toBe(204);
      const events = await t.sql(
        "SELECT type FROM audit_events WHERE target_id = (SELECT id::text FROM accounts WHERE lower(email) = $1) AND type LIKE 'identity.%' ORDER BY at, id",
        [person.email.toLowerCase()],
      );
      expect(events.map((e) => e.type)).toEqual(['identity.linked', 'identity.unlinked']);
    });
  });

  it('offers only configured providers', async () => {
    const providers = await t.request('GET', '/api/v1/auth/providers', { token: null });
    expect(providers.body.providers.map((p: { id: string }) => p.id)).toEqual([
      'password',
      'google',
      'microsoft',
    ]);
    const bare = await startTestApp();
    try {
      const only = await bare.request('GET', '/api/v1/auth/providers', { token: null });
      expect(only.body.providers.map((p: { id: string }) => p.id)).toEqual(['password']);
      expectProblem(
        await bare.request('GET', '/api/v1/auth/sso/google', { token: null }),
        404,
        'sso_provider_not_configured',
      );
    } finally {
      await bare.close();
    }
  });

  describe("a tenant's own OIDC connection", () => {
    it('signs its members in, bounded by its allowed domains, and satisfies an oidc-only policy', async () => {
      const org = await createOrg(t);
      const created = await t.request('POST', `/api/v1/tenants/${org.tenantId}/sso-connections`, {
        token: org.founder.accessToken,
        body: {
          name: 'Okta',
          issuer: okta.url,
          clientId: 'okta-client',
          clientSecret: 'okta-secret',
          allowedDomains: ['acme.example'],
        },
      });
      expect(created.status).toBe(201);
      const connectionId = created.body.id as string;
      const listed = await t.request('GET', `/api/v1/auth/providers?tenant=${org.tenantId}`, {
        token: null,
      });
      expect(listed.body.providers).toContainEqual({
        kind: 'oidc',
        id: `oidc:${connectionId}`,
        name: 'Okta',
        startUrl: `/api/v1/auth/sso/oidc/${connectionId}`,
      });
      const username = `jo-${randomUUID().slice(0, 6)}`;
      const invited = await t.request('POST', `/api/v1/tenants/${org.tenantId}/invitations`, {
        token: org.founder.accessToken,
        body: { email: `${username}@acme.example`, username, role: 'member' },
      });
      const token = String(invited.body.inviteUrl).split('/invite/')[1] as string;
      const patched = await t.request('PATCH', `/api/v1/tenants/${org.tenantId}`, {
        body: { settings: { allowedIdentityProviders: ['oidc'] } },
      });
      expect(patched.status).toBe(200);

      const browser = new Browser();
      const start = `${publicUrl}/api/v1/auth/sso/oidc/${connectionId}?invitation=${token}&returnTo=/welcome`;
      // An address outside the allowed domains is refused at the connection.
      okta.next({
        sub: `o-${randomUUID()}`,
        email: `${username}@elsewhere.example`,
        email_verified: true,
      });
      const outside = await browser.follow(start, `${publicUrl}/welcome`);
      expect(outside.final?.searchParams.get('error')).toBe('sso_domain_not_allowed');
      // The invitee, by the username the tenant's own provider asserts.
      okta.next({
        sub: `o-${randomUUID()}`,
        email: `${username}@acme.example`,
        preferred_username: username,
      });
      const run = await browser.follow(start, `${publicUrl}/welcome`);
      expect(run.final?.searchParams.get('error')).toBeNull();
      const tokens = await exchange(run.final?.searchParams.get('code') ?? null);
      expect(tokens.status).toBe(200);
      const members = await t.request('GET', `/api/v1/tenants/${org.tenantId}/members`, {
        token: tokens.body.accessToken,
      });
      expect(members.status).toBe(200);
      // The founder signed in with a password: refused by the oidc-only policy.
      expectProblem(
        await t.request('GET', `/api/v1/tenants/${org.tenantId}/members`, {
          token: org.founder.accessToken,
        }),
        403,
        'sso_required',
      );
      // Another tenant's connection vouches for no one here: it cannot take over the founder's
      // account by claiming the address, and a session through it does not satisfy this
      // tenant's oidc policy even for a member who connected it.
      const other = await createOrg(t);
      const theirs = await t.request('POST', `/api/v1/tenants/${other.tenantId}/sso-connections`, {
        token: other.founder.accessToken,
        body: { name: 'Theirs', issuer: okta.url, clientId: 'c2', clientSecret: 's2' },
      });
      const theirStart = `${publicUrl}/api/v1/auth/sso/oidc/${theirs.body.id}?returnTo=/welcome`;
      okta.next({ sub: `o-${randomUUID()}`, email: org.founder.email, email_verified: true });
      const takeover = await new Browser().follow(theirStart, `${publicUrl}/welcome`);
      expect(takeover.final?.searchParams.get('error')).toBe('account_link_required');
      const linking = await fetch(`${publicUrl}/api/v1/me/identities`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens.body.accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          provider: 'oidc',
          connectionId: theirs.body.id,
          returnTo: '/welcome',
        }),
      });
      expect(linking.status).toBe(200);
      const linker = new Browser();
      linker.remember(new URL(publicUrl).host, linking);
      const theirSub = `o-${randomUUID()}`;
      okta.next({ sub: theirSub, email: `${username}@acme.example` });
      const linked = await linker.follow(
        ((await linking.json()) as { redirectUrl: string }).redirectUrl,
        `${publicUrl}/welcome`,
      );
      expect(linked.final?.searchParams.get('linked')).toBe('oidc');
      okta.next({ sub: theirSub, email: `${username}@acme.example` });
      const viaOther = await new Browser().follow(theirStart, `${publicUrl}/welcome`);
      const otherTokens = await exchange(viaOther.final?.searchParams.get('code') ?? null);
      expect(otherTokens.status).toBe(200);
      expectProblem(
        await t.request('GET', `/api/v1/tenants/${org.tenantId}/members`, {
          token: otherTokens.body.accessToken,
        }),
        403,
        'sso_required',
      );
      // Each organization's trail holds the sign-ins and refusals at its own connection only.
      const trail = async (tenantId: string) =>
        (
          await t.request('GET', `/api/v1/tenants/${tenantId}/audit-events?type=auth.*&limit=50`)
        ).body.data.map((e: { type: string; actor: { id: string }; changes?: any }) => ({
          type: e.type,
          reason: e.changes?.after?.reason,
          email: e.changes?.after?.email,
        }));
      const ours = await trail(org.tenantId);
      expect(ours).toEqual(
        expect.arrayContaining([
          { type: 'auth.sso.failed', reason: 'sso_domain_not_allowed', email: undefined },
          { type: 'auth.login.succeeded', reason: undefined, email: `${username}@acme.example` },
        ]),
      );
      expect(ours).toHaveLength(2);
      const theirsTrail = await trail(other.tenantId);
      expect(theirsTrail).toEqual(
        expect.arrayContaining([
          { type: 'auth.sso.failed', reason: 'account_link_required', email: undefined },
          { type: 'auth.login.succeeded', reason: undefined, email: `${username}@acme.example` },
        ]),
      );
      expect(theirsTrail).toHaveLength(2);
      expect(t.logs.join('\n')).not.toContain('okta-secret');
    });

    it('answers 404 for an unknown or malformed connection', async () => {
      expectProblem(
        await t.request('GET', `/api/v1/auth/sso/oidc/${randomUUID()}`, { token: null }),
        404,
        'sso_connection_not_found',
      );
      expectProblem(
        await t.request('GET', '/api/v1/auth/sso/oidc/not-a-uuid', { token: null }),
        404,
        'sso_connection_not_found',
      );
      expectProblem(
        await t.request('GET', '/api/v1/auth/sso/github', { token: null }),
        404,
        'route_not_found',
      );
    });
  });

  describe('under pressure', () => {
    it('creates one account when the same new identity signs in twice at once', async () => {
      const user = {
        sub: `g-${randomUUID()}`,
        email: `twice-${randomUUID()}@gmail.example`,
        email_verified: true,
      };
      const runs = await Promise.all([signInWith('google', user), signInWith('google', user)]);
      expect(runs.map((r) => r.error)).toEqual([null, null]);
      const rows = await t.sql('SELECT count(*)::int AS n FROM accounts WHERE lower(email) = $1', [
        user.email,
      ]);
      expect(rows[0].n).toBe(1);
      const identities = await t.sql(
        "SELECT count(*)::int AS n FROM account_identities WHERE provider = 'google' AND subject = $1",
        [user.sub],
      );
      expect(identities[0].n).toBe(1);
    });

    it('answers hostile callbacks and exchanges with a 4xx or an error redirect, never a 5xx', async () => {
      const browser = new Browser();
      google.next({
        sub: `h-${randomUUID()}`,
        email: `h-${randomUUID()}@gmail.example`,
        email_verified: true,
      });
      await browser.get(`${publicUrl}/api/v1/auth/sso/google?returnTo=/welcome`);
      const hostile = [
        `code=${'x'.repeat(5000)}&state=${'y'.repeat(3000)}`,
        'code=%00%00&state=%00',
        'error=server_error&error_description=%F0%9F%92%A5%00',
        'code=a&code=b&state=c&state=d',
        'state=only',
      ];
      for (const query of hostile) {
        const res = await browser.get(`${publicUrl}/api/v1/auth/sso/google/callback?${query}`);
        expect(res.status).toBeLessThan(500);
        await res.arrayBuffer();
      }
      for (const body of [
        { code: 'x'.repeat(200) },
        { code: 42 },
        {},
        { code: 'ssoc_a_b', totp: '1' },
      ]) {
        const res = await t.request('POST', '/api/v1/auth/sso/exchange', { token: null, body });
        expect([400, 401]).toContain(res.status);
      }
      const cookie = await fetch(`${publicUrl}/api/v1/auth/sso/google/callback?code=x`, {
        redirect: 'manual',
        headers: { cookie: `sso_flow=${'%'.repeat(4000)}` },
      });
      expect(cookie.status).toBe(400);
    });

    it("never lets one account remove another's sign-in method", async () => {
      const a = await signup(t);
      const b = await signup(t);
      const bIdentities = await t.request('GET', '/api/v1/me/identities', { token: b.accessToken });
      expectProblem(
        await t.request('DELETE', `/api/v1/me/identities/${bIdentities.body.data[0].id}`, {
          token: a.accessToken,
        }),
        404,
        'identity_not_found',
      );
      expectProblem(
        await t.request('DELETE', '/api/v1/me/identities/not-a-uuid', { token: a.accessToken }),
        404,
        'identity_not_found',
      );
    });

    it('asks an administrator to confirm a sign-in policy that would refuse their own session', async () => {
      const org = await createOrg(t);
      const body = { settings: { allowedIdentityProviders: ['google'] } };
      expectProblem(
        await t.request('PATCH', `/api/v1/tenants/${org.tenantId}`, {
          token: org.founder.accessToken,
          body,
        }),
        409,
        'sign_in_policy_lockout',
      );
      const confirmed = await t.request('PATCH', `/api/v1/tenants/${org.tenantId}`, {
        token: org.founder.accessToken,
        body: { ...body, confirm: true },
      });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.settings.allowedIdentityProviders).toEqual(['google']);
    });
  });
});
