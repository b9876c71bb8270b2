import type { Browser, Locator, Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';
import { audit, launchBrowser } from './support/browser.js';
import { eventually, signedIn } from './support/console.js';
import { authenticator, signup, type SignedUp } from './support/users.js';

/** A picture at an https address, answered by the browser itself (the tests have no network). */
const AVATAR_URL = 'https://avatars.example.test/ada.svg';
const AVATAR_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#1864ab"/></svg>';

async function servePicture(page: Page): Promise<void> {
  await page.route('https://avatars.example.test/**', (route) =>
    route.fulfill({ status: 200, contentType: 'image/svg+xml', body: AVATAR_SVG }),
  );
}

/** Whether the image has loaded (the browser decoded it and knows its size). */
function loaded(img: Locator): Promise<boolean> {
  // The server's tsconfig has no DOM types: the element as far as this check needs it.
  return img.evaluate(
    (el: { complete: boolean; naturalWidth: number }) => el.complete && el.naturalWidth > 0,
  );
}

/** The profile page's new parts in a real browser: avatar, notifications, personal keys, the QR code. */
describe('admin console: profile', () => {
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

  async function onProfile(person: SignedUp, run: (page: Page) => Promise<void>): Promise<void> {
    const { page, close } = await signedIn(browser, t.baseUrl, person, '/profile');
    try {
      await page.getByRole('heading', { name: 'Your profile' }).waitFor();
      await run(page);
    } finally {
      await close();
    }
  }

  it('avatar: an http URL is refused at the field; an https one is shown on the page and in the header; Remove brings the initials back', async () => {
    const person = await signup(t, { displayName: 'Ada Lovelace' });
    await onProfile(person, async (page) => {
      await servePicture(page);
      const header = page.getByRole('banner');
      // No picture yet: the initials, in the header too.
      await header.getByText('AL', { exact: true }).waitFor();
      const section = page.getByRole('region', { name: 'Profile picture' });

      const field = section.getByRole('textbox', { name: 'Picture URL' });
      await field.fill('http://avatars.example.test/ada.svg');
      await section.getByRole('button', { name: 'Set picture' }).click();
      await section.getByText('avatarUrl must be an https URL').waitFor();
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      expect(await audit(page, 'profile-avatar-refused')).toEqual([]);
      expect(
        (await t.request('GET', '/api/v1/me', { token: person.accessToken })).body.avatarUrl,
      ).toBeNull();

      await field.fill(AVATAR_URL);
      await section.getByRole('button', { name: 'Set picture' }).click();
      await section.getByRole('status').getByText('Saved.').waitFor();
      const picture = section.getByRole('img', { name: 'Your profile picture' });
      await picture.waitFor();
      expect(await picture.getAttribute('src')).toBe(AVATAR_URL);
      expect(await eventually(() => loaded(picture), Boolean)).toBe(true);
      // The header's Profile link shows it (decorative there: the link is still named Profile).
      const inHeader = header.getByRole('link', { name: 'Profile', exact: true }).locator('img');
      expect(await inHeader.getAttribute('src')).toBe(AVATAR_URL);
      expect(await eventually(() => loaded(inHeader), Boolean)).toBe(true);
      expect(
        (await t.request('GET', '/api/v1/me', { token: person.accessToken })).body.avatarUrl,
      ).toBe(AVATAR_URL);
      expect(await audit(page, 'profile-avatar')).toEqual([]);

      // Still there on another page, after a reload.
      await page.goto('/');
      await page.getByRole('heading', { name: 'Your organizations' }).waitFor();
      expect(await page.getByRole('banner').locator('img').getAttribute('src')).toBe(AVATAR_URL);

      await page.goto('/profile');
      await section.getByRole('button', { name: 'Remove picture' }).click();
      await header.getByText('AL', { exact: true }).waitFor();
      expect(await header.locator('img').count()).toBe(0);
      expect(await section.getByRole('textbox', { name: 'Picture URL' }).inputValue()).toBe('');
      expect(
        (await t.request('GET', '/api/v1/me', { token: person.accessToken })).body.avatarUrl,
      ).toBeNull();
    });
  });

  it('sign-in history: the sign-ins and a refused attempt, with their address and device (doc 004)', async () => {
    const person = await signup(t);
    const refused = await t.request('POST', '/api/v1/auth/login', {
      token: null,
      body: { email: person.email, password: 'not the password at all' },
    });
    expect(refused.status).toBe(401);
    await onProfile(person, async (page) => {
      const history = page.getByRole('table', { name: 'Sign-in history and security events' });
      await history.getByRole('row').filter({ hasText: 'Sign-in refused' }).first().waitFor();
      // The browser's own sign-in, newest first, with its user agent.
      const newest = history.getByRole('row').nth(1);
      expect(await newest.textContent()).toMatch(/Signed in · Password.*Chrome/);
      expect(await audit(page, 'profile-history')).toEqual([]);
    });
  });

  it('notification preferences: each switch saves, and they are still set after a reload', async () => {
    const person = await signup(t);
    await onProfile(person, async (page) => {
      const section = page.getByRole('region', { name: 'Email notifications' });
      const security = section.getByRole('switch', { name: 'Security alerts' });
      const product = section.getByRole('switch', { name: 'Product updates' });
      // The server's defaults.
      expect(await security.isChecked()).toBe(true);
      expect(await product.isChecked()).toBe(false);

      await product.check();
      await section.getByRole('status').getByText('Saved.').waitFor();
      await security.uncheck();
      await eventually(
        async () =>
          (await t.request('GET', '/api/v1/me', { token: person.accessToken })).body
            .notificationPrefs,
        (prefs) => prefs.securityAlerts === false,
      );
      const stored = await t.request('GET', '/api/v1/me', { token: person.accessToken });
      expect(stored.body.notificationPrefs).toEqual({
        securityAlerts: false,
        productUpdates: true,
      });
      expect(await audit(page, 'profile-notifications')).toEqual([]);

      await page.reload();
      await page.getByRole('heading', { name: 'Your profile' }).waitFor();
      expect(await security.isChecked()).toBe(false);
      expect(await product.isChecked()).toBe(true);
    });
  });

  it('personal API keys: created (shown once, it works as Bearer), listed with its last use, revoked (then 401)', async () => {
    const person = await signup(t);
    await onProfile(person, async (page) => {
      const section = page.getByRole('region', { name: 'Personal API keys' });
      await section.getByText('You have no personal API keys.').waitFor();
      const form = section.getByRole('form', { name: 'Create a personal API key' });
      await form.getByRole('textbox', { name: /^Key name/ }).fill('laptop scripts');
      await form.getByLabel('Expires').click();
      await page.getByRole('option', { name: 'In 30 days' }).click();
      await form.getByRole('button', { name: 'Create key' }).click();

      // The alert that shows the key is a region named by its title.
      const shown = section.getByRole('region', {
        name: 'Copy the key "laptop scripts" now: it is shown only once.',
      });
      await shown.waitFor();
      const key = (await shown.getByTestId('personal-key').textContent())!.trim();
      expect(key).toMatch(/^pk_/);
      await shown.getByRole('button', { name: 'Copy key' }).waitFor();
      const row = section.getByRole('row').filter({ hasText: 'laptop scripts' });
      await row.waitFor();
      expect(await row.getByRole('cell', { name: 'Never', exact: true }).count()).toBe(1);
      expect(await audit(page, 'profile-api-key-created')).toEqual([]);

      // The key acts as its owner.
      const me = await t.request('GET', '/api/v1/me', { token: key });
      expect(me.status).toBe(200);
      expect(me.body.email).toBe(person.email);
      const listed = await t.request('GET', '/api/v1/me/api-keys', { token: person.accessToken });
      expect(listed.body.data).toHaveLength(1);
      expect(listed.body.data[0].key).toBeUndefined();
      const expiresIn = Date.parse(listed.body.data[0].expiresAt) - Date.now();
      expect(expiresIn).toBeGreaterThan(29 * 86_400_000);
      expect(expiresIn).toBeLessThanOrEqual(30 * 86_400_000);

      // Shown once: after a reload, only its prefix; and the last use (written in the background).
      const used = await eventually(
        async () => {
          await page.reload();
          await section.getByRole('row').filter({ hasText: 'laptop scripts' }).waitFor();
          return section
            .getByRole('row')
            .filter({ hasText: 'laptop scripts' })
            .getByRole('cell', { name: 'Never', exact: true })
            .count();
        },
        (never) => never === 0,
        10_000,
      );
      expect(used).toBe(0);
      expect(await section.getByTestId('personal-key').count()).toBe(0);
      expect(await row.textContent()).toContain(listed.body.data[0].prefix);
      expect(await row.textContent()).not.toContain(key);

      await row.getByRole('button', { name: 'Revoke laptop scripts' }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke personal API key' });
      await dialog
        .getByText('Revoke laptop scripts? Anything using it stops working at once.')
        .waitFor();
      expect(await audit(page, 'profile-api-key-revoke')).toEqual([]);
      await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      await section.getByText('You have no personal API keys.').waitFor();
      const refused = await t.request('GET', '/api/v1/me', { token: key });
      expect(refused.status).toBe(401);
    });
  });

  it('personal API keys: a request made with a personal key may not create one, and the page says why', async () => {
    const person = await signup(t);
    const made = await t.request('POST', '/api/v1/me/api-keys', {
      token: person.accessToken,
      body: { name: 'cli' },
    });
    expect(made.status).toBe(201);
    await onProfile(person, async (page) => {
      // The console's own request, sent with the personal key instead of the session's token.
      await page.route('**/api/v1/me/api-keys', (route) =>
        route.request().method() === 'POST'
          ? route.continue({
              headers: { ...route.request().headers(), authorization: `Bearer ${made.body.key}` },
            })
          : route.continue(),
      );
      const section = page.getByRole('region', { name: 'Personal API keys' });
      const form = section.getByRole('form', { name: 'Create a personal API key' });
      await form.getByRole('textbox', { name: /^Key name/ }).fill('from a key');
      await form.getByRole('button', { name: 'Create key' }).click();
      await form
        .getByRole('alert')
        .getByText('Sign in with your password for this; a personal API key cannot do it')
        .waitFor();
      expect(await section.getByTestId('personal-key').count()).toBe(0);
      const listed = await t.request('GET', '/api/v1/me/api-keys', { token: person.accessToken });
      expect(listed.body.data.map((k: { name: string }) => k.name)).toEqual(['cli']);
      expect(await audit(page, 'profile-api-key-session-required')).toEqual([]);
    });
  });

  it('TOTP enrolment: the QR code is shown, and typing the secret in still completes it', async () => {
    const person = await signup(t);
    await onProfile(person, async (page) => {
      const section = page.getByRole('region', { name: 'Two-factor authentication' });
      await section.getByRole('button', { name: 'Set up authenticator app' }).click();
      const qr = section.getByRole('img', {
        name: 'QR code to add this account to your authenticator app',
      });
      await qr.waitFor();
      expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
      expect(await eventually(() => loaded(qr), Boolean)).toBe(true);
      expect(await section.getByTestId('mfa-uri').textContent()).toMatch(/^otpauth:\/\/totp\//);
      expect(await audit(page, 'profile-totp-qr')).toEqual([]);

      const secret = (await section.getByTestId('mfa-secret').textContent())!.trim();
      expect(secret).toMatch(/^[A-Z2-7]+=*$/);
      await section
        .getByLabel('Code from the app')
        .fill(authenticator(`otpauth://totp/typed?secret=${secret}`).code());
      await section.getByRole('button', { name: 'Turn on' }).click();
      await section.getByRole('list', { name: 'Recovery codes' }).waitFor();
      await section.getByText('On', { exact: true }).waitFor();
      expect(await qr.count()).toBe(0);
      expect(
        (await t.request('GET', '/api/v1/me', { token: person.accessToken })).body.mfaEnabled,
      ).toBe(true);
    });
  });
});
