import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';
import { audit, launchBrowser } from './support/browser.js';
import { rowWith, signedIn } from './support/console.js';
import { createOrg } from './support/orgs.js';

/**
 * The invite dialog (doc 003, with doc 000's email and doc 002's username), the Invitations tab
 * (pending, resend, revoke), the seat limit, and the organization's settings in a real browser.
 */
describe('admin console: invitations and settings', () => {
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

  const invite = (tenantId: string, token: string, email: string) =>
    t.request('POST', `/api/v1/tenants/${tenantId}/invitations`, {
      token,
      body: { email, username: `u-${randomUUID().slice(0, 8)}`, role: 'member' },
    });

  it('invites with Microsoft Entra ID and a tenant id through the dialog and shows the link (doc 003)', async () => {
    const o = await createOrg(t);
    const { page, close } = await signedIn(
      browser,
      t.baseUrl,
      o.founder,
      `/orgs/${o.tenantId}/users`,
    );
    await page.getByRole('button', { name: 'Invite user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite user' });
    await dialog.waitFor();
    expect(await audit(page, 'org-invite-dialog')).toEqual([]);
    // The Entra tenant field is there only for Microsoft.
    expect(await dialog.getByLabel(/Entra tenant ID/).count()).toBe(0);
    await dialog.getByRole('combobox', { name: 'Identity provider' }).click();
    await dialog.getByRole('option', { name: 'Microsoft Entra ID' }).click();
    const entraTenantId = randomUUID();
    await dialog.getByLabel(/Entra tenant ID/).fill(entraTenantId);
    const email = `grace.${Date.now()}@example.com`;
    await dialog.getByRole('textbox', { name: 'Email' }).fill(email);
    await dialog.getByRole('textbox', { name: 'Username' }).fill('grace');
    await dialog.getByRole('combobox', { name: 'Role', exact: true }).click();
    await dialog.getByRole('option', { name: 'Administrator' }).click();
    await dialog.getByRole('button', { name: 'More settings' }).click();
    const notify = `grace.notify.${Date.now()}@example.com`;
    await dialog.getByRole('textbox', { name: 'Notification email' }).fill(notify);
    expect(await audit(page, 'org-invite-dialog-filled')).toEqual([]);
    await dialog.getByRole('button', { name: 'Invite', exact: true }).click();

    const link = dialog.getByRole('textbox', { name: 'Invitation link' });
    await link.waitFor();
    const url = await link.inputValue();
    expect(url).toMatch(/\/invite\/[^/]+$/);
    await dialog.getByRole('button', { name: 'Copy' }).waitFor();
    expect(await audit(page, 'org-invite-dialog-link')).toEqual([]);

    const [row] = await t.sql(
      `SELECT username, role, identity_provider, entra_tenant_id, notification_email
         FROM invitations WHERE tenant_id = $1 AND email = $2`,
      [o.tenantId, email],
    );
    expect(row).toEqual({
      username: 'grace',
      role: 'admin',
      identity_provider: 'microsoft',
      entra_tenant_id: entraTenantId,
      notification_email: notify,
    });
    // The link is the invitation's: its preview answers.
    const token = url.split('/invite/')[1] ?? '';
    const preview = await t.request('GET', `/api/v1/invitations/${token}`, { token: null });
    expect(preview.status).toBe(200);
    expect(preview.body.identityProvider).toBe('microsoft');

    // The same email again: the server's invite_conflict in place, in the dialog.
    await dialog.getByRole('button', { name: 'Invite another' }).click();
    await dialog.getByRole('textbox', { name: 'Email' }).fill(email);
    await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
    await dialog
      .getByRole('alert')
      .filter({ hasText: /already|taken|invited/i })
      .waitFor();
    await close();
  });

  it('lists the invitation as pending; resend gives a new link; revoke after confirmation marks it revoked (doc 002 §5, doc 003)', async () => {
    const o = await createOrg(t);
    const email = `pending.${Date.now()}@example.com`;
    const created = await invite(o.tenantId, o.founder.accessToken, email);
    expect(created.status).toBe(201);
    const { page, close } = await signedIn(
      browser,
      t.baseUrl,
      o.founder,
      `/orgs/${o.tenantId}/invitations`,
    );
    const row = rowWith(page, email);
    await row.getByText('Pending', { exact: true }).waitFor();
    await row.getByText(/Sent|Queued|local outbox|Failed/).waitFor();
    await page.getByText('Seats: 2 of 10 used').waitFor();
    expect(await audit(page, 'org-invitations')).toEqual([]);

    await row.getByRole('button', { name: `Resend the invitation to ${email}` }).click();
    const resent = page.getByRole('dialog', { name: 'Invitation sent again' });
    const newUrl = await resent.getByRole('textbox', { name: 'Invitation link' }).inputValue();
    expect(newUrl).toMatch(/\/invite\//);
    expect(newUrl).not.toBe(created.body.inviteUrl);
    expect(await audit(page, 'org-invitations-resent')).toEqual([]);
    await resent.getByRole('button', { name: 'Close' }).first().click();
    const oldToken = String(created.body.inviteUrl).split('/invite/')[1];
    expect(
      (await t.request('GET', `/api/v1/invitations/${oldToken}`, { token: null })).status,
    ).toBe(404);

    await row.getByRole('button', { name: `Revoke the invitation to ${email}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke the invitation?' });
    await confirm.waitFor();
    expect(await audit(page, 'org-invitations-revoke')).toEqual([]);
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('Revoked', { exact: true }).waitFor();
    const [stored] = await t.sql('SELECT status FROM invitations WHERE id = $1', [created.body.id]);
    expect(stored.status).toBe('revoked');
    await page.getByText('Seats: 1 of 10 used').waitFor();

    // The status filter asks the server for one state.
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Pending' }).click();
    await page.getByText('No invitation matches.').waitFor();
    await close();
  });

  it('shows seat_limit_reached in the dialog when inviting past maxMembers', async () => {
    const o = await createOrg(t, { maxMembers: 2 });
    expect(
      (await invite(o.tenantId, o.founder.accessToken, `seat.${Date.now()}@example.com`)).status,
    ).toBe(201);
    const { page, close } = await signedIn(
      browser,
      t.baseUrl,
      o.founder,
      `/orgs/${o.tenantId}/users`,
    );
    await page.getByText('Seats: 2 of 2 used').waitFor();
    await page.getByText(/Every seat is taken/).waitFor();
    await page.getByRole('button', { name: 'Invite user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite user' });
    await dialog.getByRole('textbox', { name: 'Email' }).fill(`past.${Date.now()}@example.com`);
    await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
    await dialog
      .getByRole('alert')
      .filter({ hasText: /seats of this organization are taken/ })
      .waitFor();
    expect(await audit(page, 'org-invite-seat-limit')).toEqual([]);
    await close();
  });

  it('saves the settings, and a policy that would refuse the admin asks to save anyway (confirm: true)', async () => {
    const o = await createOrg(t);
    const { page, close } = await signedIn(
      browser,
      t.baseUrl,
      o.founder,
      `/orgs/${o.tenantId}/settings`,
    );
    const name = page.getByRole('textbox', { name: 'Organization name' });
    await name.waitFor();
    expect(await audit(page, 'org-settings')).toEqual([]);
    await name.fill('Renamed Labs');
    await page.getByRole('textbox', { name: 'Invitation validity (days)' }).fill('14');
    await page.getByRole('textbox', { name: 'Seats' }).fill('25');
    await page.getByRole('textbox', { name: 'Session duration (minutes)' }).fill('720');
    await page.getByRole('textbox', { name: 'Minimum password length' }).fill('14');
    await page.getByRole('textbox', { name: /^Refuse recent passwords/ }).fill('3');
    await page.getByRole('checkbox', { name: 'A symbol' }).check();
    await page.getByRole('switch', { name: /^Log policy decisions/ }).check();
    await page.getByRole('textbox', { name: /^Share of decisions logged/ }).fill('0.25');
    await page.getByRole('textbox', { name: 'Keep decision logs (days)' }).fill('90');
    await page.getByRole('combobox', { name: /^Who may accept an invitation/ }).click();
    await page.getByRole('option', { name: 'Anyone with the link' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Settings saved.').waitFor();
    const [saved] = await t.sql('SELECT name, settings FROM tenants WHERE id = $1', [o.tenantId]);
    expect(saved.name).toBe('Renamed Labs');
    expect(saved.settings).toMatchObject({
      invitationTtlDays: 14,
      maxMembers: 25,
      sessionTtlMinutes: 720,
      invitationRedemption: 'anyone_with_link',
      passwordPolicy: { minLength: 14, preventReuse: 3, requireSymbol: true, requireDigit: false },
      decisionLogs: { enabled: true, sampleRate: 0.25, retentionDays: 90 },
    });
    await page
      .getByRole('navigation', { name: 'Organization' })
      .getByText('Renamed Labs')
      .waitFor();

    // Microsoft with one directory, then only Google: the founder signed in with a password,
    // so the server asks first.
    await page.getByRole('checkbox', { name: 'Microsoft Entra ID' }).check();
    const tid = '9188040d-6c67-4c5b-b112-36a304b66dad';
    const tags = page.getByRole('combobox', { name: /^Allowed Microsoft Entra tenant IDs/ });
    await tags.fill(tid);
    await tags.press('Enter');
    await page.getByText(tid, { exact: true }).waitFor();
    await page.getByRole('checkbox', { name: 'Microsoft Entra ID' }).uncheck();
    await page.getByRole('checkbox', { name: 'Google' }).check();
    expect(await page.getByRole('checkbox', { name: 'Any method' }).isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Save' }).click();
    const warning = page.getByRole('alert').filter({ hasText: 'would refuse your own sign-in' });
    await warning.waitFor();
    expect(await audit(page, 'org-settings-lockout')).toEqual([]);
    const [before] = await t.sql('SELECT settings FROM tenants WHERE id = $1', [o.tenantId]);
    expect(before.settings.allowedIdentityProviders ?? ['any']).toEqual(['any']);
    await warning.getByRole('button', { name: 'Save anyway' }).click();
    await page.getByText('Settings saved.').waitFor();
    const [after] = await t.sql('SELECT settings FROM tenants WHERE id = $1', [o.tenantId]);
    expect(after.settings.allowedIdentityProviders).toEqual(['google']);
    expect(after.settings.allowedEntraTenantIds).toEqual([tid]);
    await close();
  });
});
