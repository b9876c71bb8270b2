import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';
import { audit, launchBrowser } from './support/browser.js';
import { rowWith, signedIn } from './support/console.js';
import { createOrg, join, type Org } from './support/orgs.js';
import { signup } from './support/users.js';

/**
 * The numbered flows and "common issues" of the user docs that the other console suites do not
 * name (doc 002 §1 and its troubleshooting list), and the organization switcher (issue #14 §3).
 */
describe('admin console: the user docs, flow by flow', () => {
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

  const invite = (o: Org, email: string) =>
    t.request('POST', `/api/v1/tenants/${o.tenantId}/invitations`, {
      token: o.founder.accessToken,
      body: { email, username: `u-${randomUUID().slice(0, 8)}`, role: 'member' },
    });

  it('doc 002 §1–2: a personal account opens Settings → Organization, creates one, and is in user management', async () => {
    const person = await signup(t);
    const { page, close } = await signedIn(browser, t.baseUrl, person, '/');
    await page.goto('/settings/organization');
    // No organization yet: home, where one is created.
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByText('You are not a member of any organization yet.').waitFor();
    await page.getByRole('textbox', { name: 'Create an organization' }).fill(`Solo ${Date.now()}`);
    await page.getByRole('button', { name: 'Create an organization' }).click();
    await page.waitForURL(/\/orgs\/[0-9a-f-]+\/users$/);
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await rowWith(page, person.email)
      .getByLabel(/^Role of/)
      .waitFor();
    const tenantId = new URL(page.url()).pathname.split('/')[2];
    await page.goto('/settings/organization');
    await page.waitForURL((url) => url.pathname === `/orgs/${tenantId}/settings`);
    await close();
  });

  it('doc 002 "Admin access required": a Member who opens the invitations directly reads why', async () => {
    const o = await createOrg(t);
    const member = await join(t, o, 'member');
    const { page, close } = await signedIn(
      browser,
      t.baseUrl,
      member,
      `/orgs/${o.tenantId}/invitations`,
    );
    const alert = page.getByRole('alert').filter({ hasText: 'Admin access required' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /may not read Invitation.*Ask an Administrator of this organization/,
    );
    expect(await page.getByRole('button', { name: 'Invite user' }).count()).toBe(0);
    expect(await audit(page, 'docs-admin-required')).toEqual([]);
    // The nav offers a Member no Invitations page in the first place.
    expect(
      await page
        .getByRole('navigation', { name: 'Organization' })
        .getByRole('link', { name: 'Invitations' })
        .count(),
    ).toBe(0);
    await close();
  });

  it('doc 002 "Invite expired: resend": an expired invitation is resent with a fresh link from the Invites tab', async () => {
    const o = await createOrg(t);
    const email = `late.${Date.now()}@example.com`;
    const created = await invite(o, email);
    expect(created.status).toBe(201);
    await t.sql(`UPDATE invitations SET expires_at = now() - interval '1 day' WHERE id = $1`, [
      created.body.id,
    ]);
    const { page, close } = await signedIn(
      browser,
      t.baseUrl,
      o.founder,
      `/orgs/${o.tenantId}/users`,
    );
    await page
      .getByRole('navigation', { name: 'Users sections' })
      .getByRole('link', { name: 'Invites' })
      .click();
    const row = rowWith(page, email);
    await row.getByText('Expired', { exact: true }).waitFor();
    expect(await audit(page, 'docs-invite-expired')).toEqual([]);
    await row.getByRole('button', { name: `Resend the invitation to ${email}` }).click();
    const resent = page.getByRole('dialog', { name: 'Invitation sent again' });
    const url = await resent.getByRole('textbox', { name: 'Invitation link' }).inputValue();
    await resent.getByRole('button', { name: 'Close' }).first().click();
    await row.getByText('Pending', { exact: true }).waitFor();
    const preview = await t.request('GET', `/api/v1/invitations/${url.split('/invite/')[1]}`, {
      token: null,
    });
    expect(preview.body.status).toBe('pending');
    await close();
  });

  it("offers a custom role what its rules grant, read with the server's policy", async () => {
    const o = await createOrg(t);
    const created = await t.request('POST', `/api/v1/tenants/${o.tenantId}/roles`, {
      token: o.founder.accessToken,
      body: {
        key: 'recruiter',
        name: 'Recruiter',
        permissions: [
          { action: 'read', subject: ['Member', 'Invitation', 'Role'] },
          { action: 'create', subject: 'Invitation' },
        ],
      },
    });
    expect(created.status).toBe(201);
    const recruiter = await join(t, o, 'recruiter');
    const { page, close } = await signedIn(
      browser,
      t.baseUrl,
      recruiter,
      `/orgs/${o.tenantId}/users`,
    );
    await rowWith(page, o.founder.email).waitFor();
    // May invite and read invitations, may not change members, teams or settings.
    await page.getByRole('button', { name: 'Invite user' }).waitFor();
    expect(await page.getByLabel(/^Role of/).count()).toBe(0);
    const nav = page.getByRole('navigation', { name: 'Organization' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Users', 'Invitations']);
    expect(await audit(page, 'custom-role-users')).toEqual([]);
    await close();
  });

  it('switches organization for a person in two, keeping the section; /settings/users asks which', async () => {
    const first = await createOrg(t);
    const second = await createOrg(t);
    // The first founder joins the second organization as a Member.
    const invited = await t.request('POST', `/api/v1/tenants/${second.tenantId}/invitations`, {
      token: second.founder.accessToken,
      body: { email: first.founder.email, username: 'first-founder', role: 'member' },
    });
    const token = String(invited.body.inviteUrl).split('/invite/')[1];
    const accepted = await t.request('POST', `/api/v1/invitations/${token}/accept`, {
      token: first.founder.accessToken,
    });
    expect(accepted.status).toBe(200);
    const names = await t.sql<{ id: string; name: string }>(
      'SELECT id, name FROM tenants WHERE id = ANY($1)',
      [[first.tenantId, second.tenantId]],
    );
    const nameOf = (id: string) => names.find((n) => n.id === id)!.name;

    const { page, close } = await signedIn(
      browser,
      t.baseUrl,
      first.founder,
      `/orgs/${first.tenantId}/teams`,
    );
    const nav = page.getByRole('navigation', { name: 'Organization' });
    const switcher = nav.getByRole('combobox', { name: 'Organization' });
    expect(await switcher.inputValue()).toBe(nameOf(first.tenantId));
    expect(await audit(page, 'org-switcher')).toEqual([]);
    await switcher.click();
    await page.getByRole('option', { name: nameOf(second.tenantId) }).click();
    // A Member may read the teams there too: the section is kept.
    await page.waitForURL((url) => url.pathname === `/orgs/${second.tenantId}/teams`);
    await page.goto(`/orgs/${second.tenantId}/users`);
    await nav.getByRole('combobox', { name: 'Organization' }).click();
    await page.getByRole('option', { name: nameOf(first.tenantId) }).click();
    await page.waitForURL((url) => url.pathname === `/orgs/${first.tenantId}/users`);
    // Where the settings would be a Member's dead end, the switch lands on Users.
    await page.goto(`/orgs/${first.tenantId}/settings`);
    await nav.getByRole('combobox', { name: 'Organization' }).click();
    await page.getByRole('option', { name: nameOf(second.tenantId) }).click();
    await page.waitForURL((url) => url.pathname === `/orgs/${second.tenantId}/users`);

    await page.goto('/settings/users');
    await page.getByRole('heading', { name: 'Choose an organization' }).waitFor();
    expect(await audit(page, 'org-choose')).toEqual([]);
    await page.getByRole('link', { name: nameOf(second.tenantId) }).click();
    await page.waitForURL((url) => url.pathname === `/orgs/${second.tenantId}/users`);
    await close();
  });
});
