import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';
import { audit, launchBrowser, newPage } from './support/browser.js';
import { linkTokenFor } from './support/mail.js';
import { createOrg, type Org } from './support/orgs.js';
import { authenticator, login, PASSWORD, signup, type SignedUp } from './support/users.js';

/** The account pages in a real browser: sign-up, email links, the invitation landing, profile. */
describe('admin console: account pages', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function withPage(run: (page: Page) => Promise<void>): Promise<void> {
    const { context, page } = await newPage(browser, t.baseUrl);
    try {
      await run(page);
    } finally {
      await context.close();
    }
  }

  /** The password form of the sign-in page (or of the invitation landing's choices). */
  async function signInWithPassword(page: Page, email: string, password = PASSWORD) {
    await page.getByLabel('Email').fill(email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  async function signedIn(page: Page, person: SignedUp) {
    await page.goto('/sign-in');
    await signInWithPassword(page, person.email, person.password);
    await page.getByRole('heading', { name: 'Your organizations' }).waitFor();
  }

  async function invite(o: Org, email: string): Promise<{ id: string; token: string }> {
    const res = await t.request('POST', `/api/v1/tenants/${o.tenantId}/invitations`, {
      token: o.founder.accessToken,
      body: { email, username: `u-${randomUUID().slice(0, 8)}`, role: 'member' },
    });
    if (res.status !== 201) throw new Error(`not invited: ${res.status} ${res.text}`);
    return { id: res.body.id, token: (res.body.inviteUrl as string).split('/invite/')[1]! };
  }

  it('signs up, opens the emailed link and lands signed in at home; a used link says so', async () => {
    const email = `new.${randomUUID()}@example.com`;
    await withPage(async (page) => {
      await page.goto('/sign-up');
      expect(await audit(page, 'sign-up')).toEqual([]);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Your name').fill('Newcomer');
      await page.getByRole('textbox', { name: 'Password', exact: true }).fill('short');
      await page.getByRole('button', { name: 'Create account' }).click();
      // weak_password, in place at the field
      await page.getByText(/must be at least 12 characters/).waitFor();
      await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
      expect(await audit(page, 'sign-up-sent')).toEqual([]);

      const token = await linkTokenFor(t, email, '/verify-email');
      await page.goto(`/verify-email?token=${token}`);
      await page.getByRole('heading', { name: 'Your organizations' }).waitFor();

      await page.goto(`/verify-email?token=${token}`);
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').textContent()).toMatch(/cannot be used/);
      expect(await audit(page, 'verify-email-used')).toEqual([]);
    });
  });

  it('resets a forgotten password from the emailed link, then signs in with the new one', async () => {
    const person = await signup(t);
    const fresh = 'a brand new passphrase';
    await withPage(async (page) => {
      await page.goto('/sign-in');
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
      expect(await audit(page, 'forgot-password')).toEqual([]);
      await page.getByLabel('Email').fill(person.email);
      await page.getByRole('button', { name: 'Send reset link' }).click();
      await page
        .getByRole('status')
        .getByText(/a link to reset its password/)
        .waitFor();

      const token = await linkTokenFor(t, person.email, '/reset-password');
      await page.goto(`/reset-password?token=${token}`);
      await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      expect(await audit(page, 'reset-password')).toEqual([]);
      await page.getByRole('textbox', { name: 'New password' }).fill('tiny');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await page.getByText(/must be at least 12 characters/).waitFor();
      await page.getByRole('textbox', { name: 'New password' }).fill(fresh);
      await page.getByRole('button', { name: 'Set new password' }).click();
      await page.waitForURL(/\/sign-in$/);
      await page.getByText('Your password was changed').waitFor();
      await signInWithPassword(page, person.email, fresh);
      await page.getByRole('heading', { name: 'Your organizations' }).waitFor();
    });
  });

  it('invitation landing, pending: shows it, signs the invitee in and lands in the organization', async () => {
    const o = await createOrg(t);
    const invitee = await signup(t);
    const { token } = await invite(o, invitee.email);
    await withPage(async (page) => {
      await page.goto(`/invite/${token}`);
      await page.getByRole('heading', { name: /^Join Org / }).waitFor();
      const details = page.getByRole('table', { name: 'Invitation details' });
      expect(await details.textContent()).toMatch(/member/);
      expect(await audit(page, 'invite-pending')).toEqual([]);
      await signInWithPassword(page, invitee.email);
      await page.waitForURL(new RegExp(`/orgs/${o.tenantId}/users$`));
    });
    const [row] = await t.sql(
      `SELECT m.role FROM memberships m JOIN accounts a ON a.id = m.account_id
        WHERE m.tenant_id = $1 AND lower(a.email) = lower($2)`,
      [o.tenantId, invitee.email],
    );
    expect(row?.role).toBe('member');
  });

  it.each([
    ['expired', /This invitation has expired/, /sent again/],
    ['revoked', /This invitation was revoked/, /withdrew it/],
    ['accepted', /Invitation already accepted/, /has been accepted/],
  ])('invitation landing, %s: a page that says so', async (state, heading, text) => {
    const o = await createOrg(t);
    const invitee = await signup(t);
    const { id, token } = await invite(o, invitee.email);
    if (state === 'expired')
      await t.sql(`UPDATE invitations SET expires_at = now() - interval '1 day' WHERE id = $1`, [
        id,
      ]);
    if (state === 'revoked') {
      const res = await t.request(
        'POST',
        `/api/v1/tenants/${o.tenantId}/invitations/${id}/revoke`,
        {
          token: o.founder.accessToken,
        },
      );
      expect(res.status).toBeLessThan(300);
    }
    if (state === 'accepted') {
      const res = await t.request('POST', `/api/v1/invitations/${token}/accept`, {
        token: invitee.accessToken,
      });
      expect(res.status).toBe(200);
    }
    await withPage(async (page) => {
      await page.goto(`/invite/${token}`);
      await page.getByRole('heading', { name: heading }).waitFor();
      await page.getByText(text).waitFor();
      expect(await audit(page, `invite-${state}`)).toEqual([]);
    });
  });

  it('invitation landing, unknown link: not found', async () => {
    await withPage(async (page) => {
      await page.goto(`/invite/inv_${'x'.repeat(40)}`);
      await page.getByRole('heading', { name: 'Invitation not found' }).waitFor();
      expect(await audit(page, 'invite-not-found')).toEqual([]);
    });
  });

  it('invitation landing, signed in as someone else: the refusal and a way to sign out', async () => {
    const o = await createOrg(t);
    const invitee = await signup(t);
    const other = await signup(t);
    const { token } = await invite(o, invitee.email);
    await withPage(async (page) => {
      await signedIn(page, other);
      await page.goto(`/invite/${token}?accept=1`);
      await page.getByRole('heading', { name: 'You are signed in as someone else' }).waitFor();
      expect(await page.getByRole('alert').textContent()).toMatch(/someone else/i);
      await page.getByText(`You are signed in as ${other.email}.`).waitFor();
      expect(await audit(page, 'invite-someone-else')).toEqual([]);
      await page.getByRole('button', { name: 'Sign out and use another account' }).click();
      await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
      // The right person signs in from here and joins.
      await signInWithPassword(page, invitee.email);
      await page.waitForURL(new RegExp(`/orgs/${o.tenantId}/users$`));
    });
  });

  it('profile: changes the name, enrols TOTP with the shown URI, revokes another session', async () => {
    const person = await signup(t);
    const laptop = await login(t, { email: person.email, password: PASSWORD });
    expect(laptop.status).toBe(200);
    await withPage(async (page) => {
      await signedIn(page, person);
      await page.goto('/profile');
      await page.getByRole('heading', { name: 'Your profile' }).waitFor();

      await page.getByRole('textbox', { name: /^Name/ }).fill('Renamed Person');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved.').waitFor();
      const me = await t.request('GET', '/api/v1/me', { token: person.accessToken });
      expect(me.body.displayName).toBe('Renamed Person');

      await page.getByRole('button', { name: 'Set up authenticator app' }).click();
      const uri = (await page.getByTestId('mfa-uri').textContent())!.trim();
      expect(uri).toMatch(/^otpauth:\/\/totp\//);
      await page.getByLabel('Code from the app').fill(authenticator(uri).code());
      await page.getByRole('button', { name: 'Turn on' }).click();
      const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
      await codes.first().waitFor();
      expect(await codes.count()).toBe(10);
      await page.getByText('On', { exact: true }).waitFor();
      // One scan of the fullest state (axe takes seconds on this page): every section, the
      // recovery codes included.
      expect(await audit(page, 'profile')).toEqual([]);

      const sessions = page.getByRole('table', { name: 'Sessions' });
      const revoke = sessions.getByRole('button', { name: /^Sign out .*, signed in / });
      expect(await revoke.count()).toBeGreaterThanOrEqual(1);
      const before = await revoke.count();
      // The sessions signup() and login() opened are the other ones; revoke them all.
      for (let i = 0; i < before; i += 1) {
        await revoke.first().click();
        // One row fewer: the last row index goes away.
        await sessions
          .locator('tbody tr')
          .nth(before - i)
          .waitFor({ state: 'detached' });
      }
      const refused = await t.request('GET', '/api/v1/me', { token: laptop.body.accessToken });
      expect(refused.status).toBe(401);
    });
  });
});
