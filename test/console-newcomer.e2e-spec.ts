import type { Browser, Page } from 'playwright-core';
import { OPERATOR_KEY, startTestApp, type TestApp } from './support/app.js';
import { audit, launchBrowser, newPage } from './support/browser.js';
import { eventually, rowWith } from './support/console.js';
import { PASSWORD } from './support/users.js';

/**
 * Issue #14's "done when", in one browser session and no API call: on a server without SMTP, a
 * newcomer signs up (the link read in the console's mail outbox with the operator key the first
 * start printed), creates an organization, invites a colleague, who follows the emailed link,
 * creates an account from it and lands in the organization; the newcomer then manages the team.
 */
describe('admin console: a newcomer, from an empty server to a managed team', () => {
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

  const stamp = Date.now();
  const ada = { email: `ada.${stamp}@example.com`, name: 'Ada Newcomer' };
  const grace = { email: `grace.${stamp}@example.com`, name: 'Grace Colleague' };

  async function signUp(page: Page, person: { email: string; name: string }) {
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Your name').fill(person.name);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  }

  /** The outbox page, opened with the operator key; the href of the newest link `to` got. */
  async function linkInOutbox(page: Page, to: string, subject: RegExp): Promise<string> {
    await page.goto('/outbox');
    await page.getByLabel(/^Operator key/).fill(OPERATOR_KEY);
    await page.getByRole('button', { name: 'Open the outbox' }).click();
    const mail = page
      .getByRole('list', { name: 'Emails, newest first' })
      .getByRole('listitem')
      .filter({ hasText: `To ${to}` })
      .filter({ has: page.getByRole('heading', { name: subject }) })
      .first();
    await mail.waitFor();
    const href = await mail.getByRole('link').first().getAttribute('href');
    if (!href) throw new Error(`no link in the email to ${to}`);
    return href;
  }

  it('signs up, creates an organization, invites, the colleague joins, and the team is managed', async () => {
    const a = await newPage(browser, t.baseUrl);
    const g = await newPage(browser, t.baseUrl);
    try {
      // The printed URL: a sign-in page, with a way to create an account.
      await a.page.goto('/');
      await a.page.waitForURL(/\/sign-in/);
      await a.page.getByRole('link', { name: 'Create one' }).click();
      await signUp(a.page, ada);
      // No SMTP_URL: the page says where the email is instead of leaving a dead end.
      await a.page.getByText('This server sends no email yet').waitFor();
      expect(await audit(a.page, 'sign-up-outbox-hint')).toEqual([]);
      await a.page.getByRole('link', { name: 'Open the mail outbox' }).click();
      await a.page.getByRole('heading', { name: 'Mail outbox' }).waitFor();
      expect(await audit(a.page, 'outbox-key')).toEqual([]);
      const verify = await linkInOutbox(a.page, ada.email, /Finish creating your account/);
      expect(await audit(a.page, 'outbox')).toEqual([]);
      expect(verify).toMatch(/^\/verify-email\?token=/);
      await a.page
        .getByRole('link', { name: /verify-email/ })
        .first()
        .click();
      await a.page.getByRole('heading', { name: 'Your organizations' }).waitFor();

      // An organization of her own (doc 002), with Ada as its administrator.
      await a.page
        .getByRole('textbox', { name: 'Create an organization' })
        .fill(`Ada Labs ${stamp}`);
      await a.page.getByRole('button', { name: 'Create an organization' }).click();
      await a.page.waitForURL(/\/orgs\/[^/]+\/users$/);
      const orgPath = new URL(a.page.url()).pathname.replace(/\/users$/, '');

      // Invite Grace through the dialog (doc 003).
      await a.page.getByRole('button', { name: 'Invite user' }).click();
      const dialog = a.page.getByRole('dialog', { name: 'Invite user' });
      await dialog.getByRole('textbox', { name: 'Email' }).fill(grace.email);
      await dialog.getByRole('textbox', { name: 'Username' }).fill('grace');
      await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
      await dialog.getByRole('textbox', { name: 'Invitation link' }).waitFor();
      await dialog.getByRole('button', { name: 'Close' }).first().click();
      await a.page.getByRole('link', { name: 'Invites' }).click();
      await rowWith(a.page, grace.email).getByText('Pending').waitFor();

      // Grace follows the invitation email's link, in her own browser.
      const invitation = await linkInOutbox(a.page, grace.email, /invit/i);
      expect(invitation).toMatch(/^\/invite\//);
      await g.page.goto(invitation);
      await g.page.getByRole('heading', { name: `Join Ada Labs ${stamp}` }).waitFor();
      await g.page.getByRole('link', { name: 'Create an account' }).click();
      await signUp(g.page, grace);
      // Her sign-up link comes back to the invitation, which is redeemed on arrival.
      const graceVerify = await linkInOutbox(a.page, grace.email, /Finish creating your account/);
      expect(graceVerify).toContain('&next=');
      await g.page.goto(graceVerify);
      await g.page.waitForURL((url) => url.pathname === `${orgPath}/users`);
      await rowWith(g.page, grace.email).waitFor();

      // Ada manages the team: Grace is listed; her role changes at once; a team gets her.
      await a.page.goto(`${orgPath}/users`);
      const row = rowWith(a.page, grace.email);
      await row.getByLabel(/^Role of/).selectOption('manager');
      const [tenantId] = orgPath.split('/').slice(-1);
      const role = await eventually(
        () =>
          t.sql(
            `SELECT m.role FROM memberships m JOIN accounts x ON x.id = m.account_id
              WHERE m.tenant_id = $1 AND x.email = $2`,
            [tenantId, grace.email],
          ),
        (rows) => rows[0]?.role === 'manager',
      );
      expect(role).toEqual([{ role: 'manager' }]);
      await a.page
        .getByRole('navigation', { name: 'Organization' })
        .getByRole('link', { name: 'Teams' })
        .click();
      const form = a.page.getByRole('form', { name: 'Create a team' });
      await form.getByLabel(/^Name/).fill('Platform');
      await form.getByRole('button', { name: 'Create a team' }).click();
      await a.page.getByRole('button', { name: 'Show Platform', exact: true }).click();
      const add = a.page.getByRole('form', { name: 'Add a member' });
      await add.getByRole('combobox', { name: /^Organization member/ }).click();
      await a.page.getByRole('option', { name: new RegExp(grace.email) }).click();
      await add.getByRole('button', { name: 'Add' }).click();
      await rowWith(a.page, grace.email).waitFor();
      expect(await audit(a.page, 'newcomer-team')).toEqual([]);

      // Doc 000's address, /settings/team, opens the Users page of her one organization.
      await a.page.goto('/settings/team');
      await a.page.waitForURL((url) => url.pathname === `${orgPath}/users`);

      // Grace, now a Manager, sees the team she is in.
      await g.page.reload();
      await rowWith(g.page, grace.email).getByText('Platform').waitFor();
    } finally {
      await a.context.close();
      await g.context.close();
    }
  }, 120_000);

  it('says at start, in the log, where the emails are', () => {
    expect(t.logs.join('\n')).toContain(
      'no SMTP_URL: emails stay in the local outbox; read them at http://localhost:0/outbox with the operator key',
    );
  });

  it('refuses a wrong operator key in place, and keeps no key after a reload', async () => {
    const { context, page } = await newPage(browser, t.baseUrl);
    try {
      await page.goto('/outbox');
      await page.getByLabel(/^Operator key/).fill('op_wrong');
      await page.getByRole('button', { name: 'Open the outbox' }).click();
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('list', { name: 'Emails, newest first' }).count()).toBe(0);
      await page.getByLabel(/^Operator key/).fill(OPERATOR_KEY);
      await page.getByRole('button', { name: 'Open the outbox' }).click();
      await page.getByRole('list', { name: 'Emails, newest first' }).waitFor();
      await page.reload();
      await page.getByLabel(/^Operator key/).waitFor();
      const stored = await page.evaluate('JSON.stringify({ ...localStorage, ...sessionStorage })');
      expect(stored).not.toContain(OPERATOR_KEY);
    } finally {
      await context.close();
    }
  });

  it('answers an unknown page with a way home', async () => {
    const { context, page } = await newPage(browser, t.baseUrl);
    try {
      await page.goto('/no-such-page');
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      expect(await audit(page, 'not-found')).toEqual([]);
      await page.getByRole('link', { name: 'Go to your organizations' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
