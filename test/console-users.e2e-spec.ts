import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';
import { audit, launchBrowser } from './support/browser.js';
import { countOf, eventually, rowWith, signedIn } from './support/console.js';
import { createOrg, join } from './support/orgs.js';

/**
 * The Users page in a real browser (docs 000–004): the table, the role dropdown, the actions menu
 * and its guardrails, a Guest's view, and the time to a usable page at 10,000 members.
 */
describe('admin console: users', () => {
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

  const usersOf = (tenantId: string) => `/orgs/${tenantId}/users`;
  const memberOf = async (tenantId: string, memberId: string) =>
    (await t.request('GET', `/api/v1/tenants/${tenantId}/members/${memberId}`)).body as {
      role: string;
      status: string;
    };

  it('shows an admin every member with role, status, teams and last active, filters and limits (docs 000, 001, 004)', async () => {
    const o = await createOrg(t);
    const colleague = await join(t, o, 'member');
    const viewer = await join(t, o, 'viewer');
    const team = await t.request('POST', `/api/v1/tenants/${o.tenantId}/teams`, {
      body: { name: 'Backend' },
    });
    await t.request('POST', `/api/v1/tenants/${o.tenantId}/teams/${team.body.id}/members`, {
      body: { memberId: colleague.memberId },
    });
    const { page, close } = await signedIn(browser, t.baseUrl, o.founder, usersOf(o.tenantId));
    await rowWith(page, colleague.email).waitFor();
    expect(await audit(page, 'org-users')).toEqual([]);

    const nav = page.getByRole('navigation', { name: 'Organization' });
    for (const link of ['Users', 'Invitations', 'Settings'])
      await nav.getByRole('link', { name: link }).waitFor();
    for (const header of ['Name', 'Email', 'Username', 'Role', 'Status', 'Teams', 'Last active'])
      await page.getByRole('columnheader', { name: header, exact: true }).waitFor();
    const row = rowWith(page, colleague.email);
    expect(await row.getByRole('cell').nth(4).textContent()).toBe('Active');
    expect(await row.getByRole('cell').nth(5).textContent()).toBe('Backend');
    expect(await row.getByLabel(/^Role of/).inputValue()).toBe('member');
    // The founder signed in just now: last active is a date, not "Never".
    expect(await rowWith(page, o.founder.email).getByRole('cell').nth(6).textContent()).not.toBe(
      'Never',
    );
    await page.getByText('Seats: 3 of 10 used').waitFor();

    // Search (a prefix of the email) and the role filter use the list API's q and role.
    await page.getByRole('searchbox', { name: 'Search' }).fill(viewer.email.slice(0, 12));
    expect(await countOf(page.getByRole('row'), 2)).toBe(2);
    await rowWith(page, viewer.email).waitFor();
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    await page.getByRole('combobox', { name: 'Role', exact: true }).click();
    await page
      .getByRole('listbox', { name: 'Role' })
      .getByRole('option', { name: 'Viewer' })
      .click();
    expect(await countOf(page.getByRole('row'), 2)).toBe(2);
    await rowWith(page, viewer.email).waitFor();
    await close();
  });

  it('changes a role from the dropdown at once, and it persists (doc 000, doc 002 §4)', async () => {
    const o = await createOrg(t);
    const colleague = await join(t, o, 'member');
    const { page, close } = await signedIn(browser, t.baseUrl, o.founder, usersOf(o.tenantId));
    await rowWith(page, colleague.email)
      .getByLabel(/^Role of/)
      .selectOption('manager');
    const after = await eventually(
      () => memberOf(o.tenantId, colleague.memberId),
      (m) => m.role === 'manager',
    );
    expect(after.role).toBe('manager');
    await page.reload();
    expect(
      await rowWith(page, colleague.email)
        .getByLabel(/^Role of/)
        .inputValue(),
    ).toBe('manager');

    // Doc 001: Actions menu (⋮) → Make Admin.
    await rowWith(page, colleague.email)
      .getByRole('button', { name: /^Actions for/ })
      .click();
    expect(await audit(page, 'org-users-actions-menu')).toEqual([]);
    await page.getByRole('menuitem', { name: 'Make admin' }).click();
    expect(
      (
        await eventually(
          () => memberOf(o.tenantId, colleague.memberId),
          (m) => m.role === 'admin',
        )
      ).role,
    ).toBe('admin');
    await close();
  });

  it('suspends and reactivates from the actions menu (doc 004)', async () => {
    const o = await createOrg(t);
    const colleague = await join(t, o, 'developer');
    const { page, close } = await signedIn(browser, t.baseUrl, o.founder, usersOf(o.tenantId));
    const row = rowWith(page, colleague.email);
    await row.getByRole('button', { name: /^Actions for/ }).click();
    await page.getByRole('menuitem', { name: 'Suspend' }).click();
    await row.getByText('Suspended', { exact: true }).waitFor();
    expect((await memberOf(o.tenantId, colleague.memberId)).status).toBe('suspended');
    await row.getByRole('button', { name: /^Actions for/ }).click();
    await page.getByRole('menuitem', { name: 'Reactivate' }).click();
    await row.getByText('Active', { exact: true }).waitFor();
    expect((await memberOf(o.tenantId, colleague.memberId)).status).toBe('active');
    await close();
  });

  it('removes a member after a confirmation; a removed member cannot be changed (docs 000–003)', async () => {
    const o = await createOrg(t);
    const colleague = await join(t, o, 'member');
    const { page, close } = await signedIn(browser, t.baseUrl, o.founder, usersOf(o.tenantId));
    await rowWith(page, colleague.email)
      .getByRole('button', { name: /^Actions for/ })
      .click();
    await page.getByRole('menuitem', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog', { name: /^Remove / });
    await dialog.waitFor();
    expect(await audit(page, 'org-users-remove-dialog')).toEqual([]);
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await rowWith(page, colleague.email).waitFor({ state: 'detached' });
    expect((await memberOf(o.tenantId, colleague.memberId)).status).toBe('removed');

    // Listed under the Removed filter, with every action disabled and the reason given.
    await page.getByRole('combobox', { name: 'Status', exact: true }).click();
    await page
      .getByRole('listbox', { name: 'Status' })
      .getByRole('option', { name: 'Removed' })
      .click();
    const row = rowWith(page, colleague.email);
    expect(await row.getByLabel(/^Role of/).isDisabled()).toBe(true);
    await row.getByText('Removed members cannot be changed.').waitFor();
    await close();
  });

  it('disables what the guardrails forbid, with the reason (self, last admin), and shows a refusal in place (doc 002)', async () => {
    const o = await createOrg(t);
    const { page, close } = await signedIn(browser, t.baseUrl, o.founder, usersOf(o.tenantId));
    const self = rowWith(page, o.founder.email);
    await self.getByText('You', { exact: true }).waitFor();
    // The only active admin: the role stays, with the reason beside it.
    await self.getByText('The organization must keep at least one active Administrator.').waitFor();
    expect(await self.getByLabel(/^Role of/).isDisabled()).toBe(true);
    await self.getByRole('button', { name: /^Actions for/ }).click();
    for (const item of ['Suspend', 'Remove']) {
      const entry = page.getByRole('menuitem', { name: new RegExp(`^${item}`) });
      expect(await entry.isDisabled()).toBe(true);
      expect(await entry.textContent()).toContain('This is you');
    }
    expect(await audit(page, 'org-users-guardrails')).toEqual([]);
    await page.keyboard.press('Escape');

    // A second admin: the founder may change their own role, but still not remove themself.
    const second = await join(t, o, 'admin');
    await page.reload();
    await rowWith(page, second.email).waitFor();
    expect(await self.getByLabel(/^Role of/).isDisabled()).toBe(false);
    await self.getByRole('button', { name: /^Actions for/ }).click();
    expect(await page.getByRole('menuitem', { name: /^Remove/ }).isDisabled()).toBe(true);
    await page.keyboard.press('Escape');

    // The other admin demotes the founder meanwhile: the server's refusal shows in the row.
    const demoted = await t.request(
      'PATCH',
      `/api/v1/tenants/${o.tenantId}/members/${o.founder.memberId}`,
      { token: second.accessToken, body: { role: 'member' } },
    );
    expect(demoted.status).toBe(200);
    await rowWith(page, second.email)
      .getByLabel(/^Role of/)
      .selectOption('viewer');
    await page
      .getByRole('alert')
      .filter({ hasText: /admin|permission/i })
      .waitFor();
    expect((await memberOf(o.tenantId, second.memberId)).role).toBe('admin');
    await close();
  });

  it("shows a Guest only themself, without the admin's controls (doc 000)", async () => {
    const o = await createOrg(t);
    await join(t, o, 'member');
    const guest = await join(t, o, 'guest');
    const { page, close } = await signedIn(browser, t.baseUrl, guest, usersOf(o.tenantId));
    await rowWith(page, guest.email).waitFor();
    await page.getByText('As a Guest you see only your own membership.').waitFor();
    expect(await page.getByRole('row').count()).toBe(2); // the header and themself
    expect(await page.getByRole('button', { name: 'Invite user' }).count()).toBe(0);
    expect(await page.getByLabel(/^Role of/).count()).toBe(0);
    const nav = page.getByRole('navigation', { name: 'Organization' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Users']);
    expect(await audit(page, 'org-users-guest')).toEqual([]);
    await close();
  });

  it('is usable at 10,000 members: first row visible soon after page.goto, more by Load more', async () => {
    const o = await createOrg(t);
    await t.sql(
      `INSERT INTO memberships (tenant_id, id, account_id, username, email, display_name, role, status, created_at, updated_at)
       SELECT $1, gen_random_uuid(), NULL, 'bulk' || n, 'bulk' || n || '@example.com', 'Bulk ' || n,
              CASE WHEN n % 10 = 0 THEN 'admin' ELSE 'member' END, 'active',
              timestamp '2026-01-01' + n * interval '1 millisecond', now()
         FROM generate_series(1, 10000) AS n`,
      [o.tenantId],
    );
    await t.sql('ANALYZE memberships');
    const { page, close } = await signedIn(browser, t.baseUrl, o.founder, usersOf(o.tenantId));
    await page.getByRole('table', { name: 'Users' }).getByRole('row').nth(1).waitFor();

    const started = Date.now();
    await page.goto(usersOf(o.tenantId));
    await page.getByRole('table', { name: 'Users' }).getByRole('row').nth(1).waitFor();
    const elapsed = Date.now() - started;
    console.log(`time to a usable Users page at 10,001 members: ${elapsed} ms`);
    expect(elapsed).toBeLessThan(5_000);

    const rows = page.getByRole('table', { name: 'Users' }).getByRole('row');
    expect(await rows.count()).toBe(51);
    await page.getByRole('button', { name: 'Load more' }).click();
    expect(await countOf(rows, 101)).toBe(101);
    await close();
  });
});
