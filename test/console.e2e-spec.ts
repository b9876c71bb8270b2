import type { Browser } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from './support/app.js';
import { freePort, startIdp, type LocalIdp } from './support/identity-providers.js';
import { signedIn } from './support/console.js';
import { audit, launchBrowser, newPage } from './support/browser.js';
import { PASSWORD, signup } from './support/users.js';

describe('admin console: sign-in and organizations', () => {
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

  it('signs a person in with a password, lists no organization, creates one (doc 002)', async () => {
    const person = await signup(t);
    const { context, page } = await newPage(browser, t.baseUrl);
    await page.goto('/');
    await page.waitForURL(/\/sign-in\?next=/);
    expect(await audit(page, 'sign-in')).toEqual([]);
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your organizations' }).waitFor();
    expect(await audit(page, 'home')).toEqual([]);
    await page.getByRole('textbox', { name: 'Create an organization' }).fill('Console Labs');
    await page.getByRole('button', { name: 'Create an organization' }).click();
    await page.waitForURL(/\/orgs\/[0-9a-f-]+\/users/);
    await context.close();
  });

  it('shows the server message for a wrong password, in place', async () => {
    const { context, page } = await newPage(browser, t.baseUrl);
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill('nobody@example.com');
    await page.getByLabel(/^Password/).fill('wrong password here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/email or password/i);
    await context.close();
  });

  it('keeps the session across a reload through the refresh cookie, never in storage', async () => {
    const person = await signup(t);
    const { context, page } = await newPage(browser, t.baseUrl);
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your organizations' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Your organizations' }).waitFor();
    const stored = await page.evaluate('JSON.stringify({ ...localStorage, ...sessionStorage })');
    expect(stored).not.toMatch(/eyJ|rt_/);
    expect(await page.evaluate('document.cookie')).toBe('');
    await context.close();
  });
  it('signs out everywhere from the profile: the other browser is signed out at its next refresh', async () => {
    const person = await signup(t);
    const here = await signedIn(browser, t.baseUrl, person, '/profile');
    const there = await signedIn(browser, t.baseUrl, person, '/profile');
    await here.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await here.page.waitForURL(/\/sign-in/);
    // The other browser's refresh cookie is dead: a reload lands on the sign-in page.
    await there.page.reload();
    await there.page.waitForURL(/\/sign-in\?next=/);
    const live = await t.sql(
      `SELECT count(*)::int AS n FROM sessions s JOIN accounts a ON a.id = s.account_id
        WHERE lower(a.email) = lower($1) AND s.revoked_at IS NULL`,
      [person.email],
    );
    expect(live).toEqual([{ n: 0 }]);
    await here.close();
    await there.close();
  });
});

describe('admin console: sign-in with an identity provider', () => {
  let t: TestApp;
  let google: LocalIdp;
  let browser: Browser;

  beforeAll(async () => {
    google = await startIdp('google');
    const port = await freePort();
    t = await startTestApp({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      GOOGLE_CLIENT_ID: 'console-google',
      GOOGLE_CLIENT_SECRET: 'console-google-secret',
      GOOGLE_ISSUER: google.url,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await google?.close();
  });

  it('offers Google, goes through the provider and lands signed in where it started', async () => {
    const email = `console-${randomUUID()}@gmail.example`;
    google.next({ sub: `g-${randomUUID()}`, email, email_verified: true, name: 'Console Person' });
    const { context, page } = await newPage(browser, t.baseUrl);
    await page.goto('/');
    await page.waitForURL(/\/sign-in/);
    await page.getByRole('link', { name: 'Continue with Google' }).click();
    await page.getByRole('heading', { name: 'Your organizations' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    const me = await t.sql('SELECT email_verified FROM accounts WHERE email = $1', [email]);
    expect(me).toEqual([{ email_verified: true }]);
    await context.close();
  });

  it("shows the provider's refusal in place, with a way back", async () => {
    google.failNext('access_denied', 'The user cancelled');
    const { context, page } = await newPage(browser, t.baseUrl);
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Continue with Google' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/cancelled|refused/i);
    expect(await audit(page, 'sso-refused')).toEqual([]);
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.waitForURL(/\/sign-in/);
    await context.close();
  });
});
