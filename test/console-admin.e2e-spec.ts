import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';
import { audit, launchBrowser, newPage } from './support/browser.js';
import { createOrg, type Org } from './support/orgs.js';
import { PASSWORD } from './support/users.js';

describe('admin console: audit log, SCIM and API keys', () => {
  let t: TestApp;
  let browser: Browser;
  let org: Org;
  let page: Page;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
    org = await createOrg(t);
    ({ page } = await newPage(browser, t.baseUrl));
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(org.founder.email);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your organizations' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('creates a SCIM token shown once, lists it, and revokes it with a confirmation', async () => {
    await page.goto(`/orgs/${org.tenantId}/integrations`);
    await page.getByRole('heading', { name: 'SCIM and API keys' }).waitFor();
    expect(await page.getByTestId('scim-base').textContent()).toBe(`${t.baseUrl}/scim/v2`);
    const scimForm = page.getByRole('form', { name: 'Create SCIM tokens' });
    await scimForm.getByLabel(/^Name/).fill('Entra ID');
    await scimForm.getByRole('button', { name: 'Create' }).click();
    const secret = await page.getByTestId('scim-secret').textContent();
    expect(secret).toMatch(/^scim_/);
    const scim = await fetch(`${t.baseUrl}/scim/v2/Users`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(scim.status).toBe(200);
    await page.getByRole('cell', { name: 'Entra ID', exact: true }).waitFor();
    expect(await audit(page, 'integrations')).toEqual([]);
    await page.getByRole('button', { name: 'Revoke Entra ID' }).click();
    const dialog = page.getByRole('dialog');
    expect(await audit(page, 'integrations-revoke')).toEqual([]);
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('cell', { name: 'Entra ID', exact: true }).waitFor({ state: 'detached' });
    const after = await fetch(`${t.baseUrl}/scim/v2/Users`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(after.status).toBe(401);
  });

  it('creates an API key with a role', async () => {
    await page.goto(`/orgs/${org.tenantId}/integrations`);
    const keyForm = page.getByRole('form', { name: 'Create API keys' });
    await keyForm.getByLabel(/^Name/).fill('CI deploys');
    await keyForm.getByRole('button', { name: 'Create' }).click();
    const key = await page.getByTestId('keys-secret').textContent();
    expect(key).toMatch(/^tk_/);
    await page.getByRole('cell', { name: 'CI deploys', exact: true }).waitFor();
  });

  it('shows the audit trail with before/after changes, filtered by type', async () => {
    await t.request('PATCH', `/api/v1/tenants/${org.tenantId}`, {
      token: org.founder.accessToken,
      body: { settings: { maxMembers: 25 } },
    });
    await page.goto(`/orgs/${org.tenantId}/audit`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByText('tenant.updated').first().waitFor();
    expect(await audit(page, 'audit-log')).toEqual([]);
    await page.getByLabel('Event type').fill('tenant.updated');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('insertion').first().waitFor();
    const types = await page.locator('tbody tr').allTextContents();
    expect(types.length).toBeGreaterThan(0);
    expect(types.every((row) => row.includes('tenant.updated'))).toBe(true);
    expect(await page.getByRole('deletion').first().textContent()).toContain('10');
  });

  it('presets the type filter with the Sign-ins and Security events views', async () => {
    await page.goto(`/orgs/${org.tenantId}/audit`);
    await page.getByText('tenant.updated').first().waitFor();
    const views = page.getByRole('radiogroup', { name: 'Events shown' });
    await views.getByText('Security events').click();
    await page.getByText('apikey.created').first().waitFor();
    const types = await page.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(types.length).toBeGreaterThan(0);
    expect(
      types.filter((type) => !/^(apikey|scimtoken|scim\.auth|role|access)\./.test(type)),
    ).toEqual([]);
    expect(await page.getByLabel('Event type').inputValue()).toContain('access.denied,');
    expect(await audit(page, 'audit-security')).toEqual([]);
    await views.getByText('Sign-ins').click();
    await page.getByText(/this organization's own OIDC connections/).waitFor();
    expect(await page.getByLabel('Event type').inputValue()).toBe('auth.login.*,auth.sso.failed');
    expect(await audit(page, 'audit-sign-ins')).toEqual([]);
    await views.getByText('All events').click();
    expect(await page.getByLabel('Event type').inputValue()).toBe('');
  });

  it('downloads the filtered trail as CSV', async () => {
    await page.goto(`/orgs/${org.tenantId}/audit`);
    await page.getByLabel('Event type').fill('tenant.*');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('insertion').first().waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const { slug } = (
      await t.request('GET', `/api/v1/tenants/${org.tenantId}`, { token: org.founder.accessToken })
    ).body;
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^audit-${slug}-\\d{4}-\\d{2}-\\d{2}\\.csv$`),
    );
    const csv = await readFile(await download.path(), 'utf8');
    const [header, ...rows] = csv.split('\r\n').filter((line) => line !== '');
    expect(header).toBe(
      'at,type,actor_type,actor_id,target_type,target_id,ip,user_agent,request_id,changes',
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.split(',')[1]!.startsWith('tenant.'))).toBe(true);
    expect(rows.some((row) => row.includes(',tenant.updated,') && row.includes(org.tenantId))).toBe(
      true,
    );
  });

  it('shows the built-in roles and creates a custom role, its rules checked as the server checks them', async () => {
    await page.goto(`/orgs/${org.tenantId}/roles`);
    await page.getByRole('heading', { name: 'Roles', exact: true }).waitFor();
    await page.getByRole('cell', { name: 'admin', exact: true }).waitFor();
    const form = page.getByRole('form', { name: 'Create a custom role' });
    await form.getByLabel(/^Key/).fill('auditor');
    await form.getByLabel(/^Name/).fill('Auditor');
    await form
      .getByLabel(/^Rules/)
      .fill('[{"action": "read", "subject": "Member", "conditions": {"x": {"$where": "1"}}}]');
    await form.getByText(/^Checked as you type: 1 problem/).waitFor();
    await form.getByRole('button', { name: 'Create a custom role' }).click();
    await form.getByRole('alert').waitFor();
    expect(await audit(page, 'roles-invalid')).toEqual([]);
    await form.getByLabel(/^Rules/).fill('[{"action": "read", "subject": "AuditEvent"}]');
    await form.getByRole('button', { name: 'Create a custom role' }).click();
    await page.getByRole('cell', { name: 'auditor', exact: true }).waitFor();
    expect(await audit(page, 'roles')).toEqual([]);
  });

  it('adds an access rule, asking to confirm one that would lock the admin out', async () => {
    await page.goto(`/orgs/${org.tenantId}/access-rules`);
    await page.getByRole('heading', { name: 'Access rules' }).waitFor();
    expect(await audit(page, 'access-rules-empty')).toEqual([]);
    const form = page.getByRole('form', { name: 'Add a rule' });
    await form.getByLabel(/^Name/).fill('Office only');
    await form.getByLabel(/^IP ranges/).fill('203.0.113.0/24');
    await form.getByRole('button', { name: 'Add a rule' }).click();
    await form.getByRole('button', { name: 'Save anyway' }).waitFor();
    expect(await audit(page, 'access-rules-lockout')).toEqual([]);
    expect(
      await t.sql('SELECT count(*)::int AS n FROM access_rules WHERE tenant_id = $1', [
        org.tenantId,
      ]),
    ).toEqual([{ n: 0 }]);
    // A deny rule for another network does not lock anyone out.
    await form.getByLabel(/^Name/).fill('Block a bad network');
    await form.getByText('Deny', { exact: true }).click();
    await form.getByLabel(/^IP ranges/).fill('198.51.100.0/24');
    await form.getByRole('button', { name: 'Add a rule' }).click();
    await page.getByRole('cell', { name: 'Block a bad network', exact: true }).waitFor();
    expect(await audit(page, 'access-rules')).toEqual([]);
  });
});
