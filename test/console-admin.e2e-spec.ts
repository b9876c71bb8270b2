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
});
