import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';
import { audit, launchBrowser } from './support/browser.js';
import { eventually, rowWith, signedIn } from './support/console.js';
import { createOrg, join, type Org, type Person } from './support/orgs.js';

/**
 * The Teams page in a real browser (issue #14): the tree, create, rename, move (and the cycle
 * refusal in place), members and leads, delete with a strategy. One organization, in order.
 */
describe('admin console: teams', () => {
  let t: TestApp;
  let browser: Browser;
  let org: Org;
  let colleague: Person;
  let page: Page;
  let close: () => Promise<void>;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
    org = await createOrg(t);
    colleague = await join(t, org, 'member');
    ({ page, close } = await signedIn(
      browser,
      t.baseUrl,
      org.founder,
      `/orgs/${org.tenantId}/teams`,
    ));
  });
  afterAll(async () => {
    await close?.();
    await browser?.close();
    await t?.close();
  });

  const teamsOf = async () =>
    (
      await t.sql('SELECT id, name, parent_id AS parent FROM teams WHERE tenant_id = $1', [
        org.tenantId,
      ])
    ).map((r: { id: string; name: string; parent: string | null }) => r);
  const byName = async (name: string) => (await teamsOf()).find((x) => x.name === name);
  const show = (name: string) => page.getByRole('button', { name: `Show ${name}`, exact: true });
  const treeItem = (name: string) => page.getByRole('listitem').filter({ has: show(name) });
  const menu = async (team: string, item: string) => {
    await page.getByRole('button', { name: `Actions for ${team}`, exact: true }).click();
    await page.getByRole('menuitem', { name: item, exact: true }).click();
  };
  const create = async (name: string, parent?: string) => {
    const form = page.getByRole('form', { name: 'Create a team' });
    await form.getByLabel(/^Name/).fill(name);
    if (parent) {
      await form.getByRole('combobox', { name: /^Parent team/ }).click();
      await page.getByRole('option', { name: parent, exact: true }).click();
    }
    await form.getByRole('button', { name: 'Create a team' }).click();
    await show(name).waitFor();
  };

  it('creates a parent and a child team, shown nested, and renames one', async () => {
    await page.getByRole('heading', { name: 'Teams', exact: true }).waitFor();
    await page
      .getByRole('navigation', { name: 'Organization' })
      .getByRole('link', { name: 'Teams' })
      .waitFor();
    expect(await audit(page, 'teams-empty')).toEqual([]);
    await create('Engineering');
    await create('Backend', 'Engineering');
    await create('Design');
    await treeItem('Engineering').locator(show('Backend')).waitFor();
    expect((await byName('Backend'))?.parent).toBe((await byName('Engineering'))?.id);
    expect(await audit(page, 'teams-tree')).toEqual([]);

    await menu('Backend', 'Rename');
    const dialog = page.getByRole('dialog', { name: 'Rename Backend' });
    expect(await audit(page, 'teams-rename')).toEqual([]);
    await dialog.getByLabel(/^Name/).fill('Platform');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await treeItem('Engineering').locator(show('Platform')).waitFor();
    expect(await byName('Backend')).toBeUndefined();
  });

  it('refuses a move under its own sub-team in place, and moves a team under another', async () => {
    await menu('Engineering', 'Move');
    const dialog = page.getByRole('dialog', { name: 'Move Engineering' });
    await dialog.getByRole('combobox', { name: /^Parent team/ }).click();
    await dialog.getByRole('option', { name: 'Platform', exact: true }).click();
    await dialog.getByRole('button', { name: 'Move', exact: true }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await audit(page, 'teams-move-cycle')).toEqual([]);
    expect((await byName('Engineering'))?.parent).toBeNull();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });

    await menu('Platform', 'Move');
    const move = page.getByRole('dialog', { name: 'Move Platform' });
    await move.getByRole('combobox', { name: /^Parent team/ }).click();
    await move.getByRole('option', { name: 'Design', exact: true }).click();
    await move.getByRole('button', { name: 'Move', exact: true }).click();
    await treeItem('Design').locator(show('Platform')).waitFor();
    expect((await byName('Platform'))?.parent).toBe((await byName('Design'))?.id);
  });

  it('moves a team by drag and drop, a refused drop explained in place', async () => {
    const row = (name: string) => page.getByTestId(`team-row-${name}`);
    await row('Engineering').dragTo(row('Design'));
    await treeItem('Design').locator(show('Engineering')).waitFor();
    expect((await byName('Engineering'))?.parent).toBe((await byName('Design'))?.id);

    // Design under its own sub-team: the server refuses, the tree says so and stays as it was
    await row('Design').dragTo(row('Platform'));
    const refusal = page
      .getByRole('alert')
      .filter({ hasText: 'Design was not moved under Platform' });
    await refusal.waitFor();
    expect(await audit(page, 'teams-drag-cycle')).toEqual([]);
    expect((await byName('Design'))?.parent).toBeNull();

    // onto the top zone, shown while dragging: Engineering is a top team again
    // (dragTo would look for the zone before the drag has started)
    await row('Engineering').hover();
    await page.mouse.down();
    await row('Design').hover();
    await page.getByTestId('team-drop-top').hover();
    await page.mouse.up();
    await eventually(
      async () => (await byName('Engineering'))?.parent,
      (parent) => parent === null,
    );
    expect((await byName('Engineering'))?.parent).toBeNull();
    await refusal.waitFor({ state: 'detached' });
    expect(await treeItem('Design').locator(show('Engineering')).count()).toBe(0);
  });

  it('adds an organization member to a team and makes them lead', async () => {
    await show('Design').click();
    await page.getByRole('heading', { name: 'Members of Design' }).waitFor();
    const form = page.getByRole('form', { name: 'Add a member' });
    await form.getByRole('combobox', { name: /^Organization member/ }).click();
    await page.getByRole('option', { name: new RegExp(colleague.email) }).click();
    await form.getByRole('button', { name: 'Add' }).click();
    const row = rowWith(page, colleague.email);
    await row.getByRole('button', { name: /^Make lead: / }).click();
    await row.getByRole('button', { name: /^Remove lead: / }).waitFor();
    await row.getByText('Lead', { exact: true }).waitFor();
    const design = (await byName('Design'))!.id;
    const lead = await eventually(
      () =>
        t.sql('SELECT lead FROM team_members WHERE tenant_id = $1 AND team_id = $2', [
          org.tenantId,
          design,
        ]),
      (rows) => rows.length === 1 && rows[0].lead === true,
    );
    expect(lead).toEqual([{ lead: true }]);
    expect(await audit(page, 'teams-members')).toEqual([]);
  });

  it('saves team grants the server validates, a bad one refused in place', async () => {
    const form = page.getByRole('form', { name: 'Team grants' });
    await form.getByLabel(/^Rules/).fill('[{"action": "deploy"');
    await form.getByRole('button', { name: 'Save grants' }).click();
    await form.getByRole('alert').waitFor();
    await form.getByLabel(/^Rules/).fill('[{"action": "deploy", "subject": "Service"}]');
    await form.getByRole('button', { name: 'Save grants' }).click();
    await form.getByRole('status').waitFor();
    expect(await audit(page, 'teams-grants')).toEqual([]);
    const [row] = await t.sql('SELECT permissions FROM teams WHERE tenant_id = $1 AND name = $2', [
      org.tenantId,
      'Design',
    ]);
    expect(row.permissions).toEqual([{ action: 'deploy', subject: 'Service' }]);
  });

  it('deletes a team with sub-teams and members only with the move-up strategy', async () => {
    await menu('Design', 'Delete');
    const dialog = page.getByRole('dialog', { name: 'Delete Design' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await byName('Design')).toBeDefined();
    expect(await audit(page, 'teams-delete-not-empty')).toEqual([]);
    await dialog.getByLabel(/^Move up/).check();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await show('Design').waitFor({ state: 'detached' });
    expect(await byName('Design')).toBeUndefined();
    expect((await byName('Platform'))?.parent).toBeNull();
    const member = await t.request(
      'GET',
      `/api/v1/tenants/${org.tenantId}/members/${colleague.memberId}`,
    );
    expect(member.body.status).toBe('active');
  });

  it('shows every team of an organization with more than 200 of them', async () => {
    const big = await createOrg(t);
    const names = Array.from({ length: 205 }, (_, i) => `Squad ${String(i + 1).padStart(3, '0')}`);
    for (const name of names) {
      const res = await t.request('POST', `/api/v1/tenants/${big.tenantId}/teams`, {
        token: big.founder.accessToken,
        body: { name },
      });
      expect(res.status).toBe(201);
    }
    const other = await signedIn(browser, t.baseUrl, big.founder, `/orgs/${big.tenantId}/teams`);
    try {
      await other.page.getByRole('button', { name: 'Show Squad 205', exact: true }).waitFor();
      expect(await other.page.getByRole('button', { name: /^Show Squad \d{3}$/ }).count()).toBe(
        205,
      );
    } finally {
      await other.close();
    }
  });

  it('finds any of 300 members to add by searching the server, and pages a team past 200', async () => {
    const big = await createOrg(t);
    await t.sql(
      `INSERT INTO memberships (tenant_id, id, account_id, username, email, display_name, role, status, created_at, updated_at)
       SELECT $1, gen_random_uuid(), NULL, 'crew' || n, 'crew' || n || '@example.com', 'Crew ' || n,
              'member', 'active', now(), now()
         FROM generate_series(1, 300) AS n`,
      [big.tenantId],
    );
    const team = await t.request('POST', `/api/v1/tenants/${big.tenantId}/teams`, {
      token: big.founder.accessToken,
      body: { name: 'Crew' },
    });
    expect(team.status).toBe(201);
    // 201 of them in the team already: the list shows 200, then the rest on "Load more".
    await t.sql(
      `INSERT INTO team_members (tenant_id, team_id, membership_id, lead, created_at)
       SELECT $1, $2, id, false, now() FROM memberships
        WHERE tenant_id = $1 AND username ~ '^crew([0-9]|[0-9][0-9]|1[0-9][0-9]|200|201)$'`,
      [big.tenantId, team.body.id],
    );
    const other = await signedIn(browser, t.baseUrl, big.founder, `/orgs/${big.tenantId}/teams`);
    try {
      const page = other.page;
      await page.getByRole('button', { name: 'Show Crew', exact: true }).click();
      const members = page.getByRole('table', { name: 'Members of Crew' }).getByRole('row');
      await rowWith(page, 'crew1@example.com').waitFor();
      await page.getByRole('button', { name: 'Load more' }).click();
      await rowWith(page, 'crew201@example.com').waitFor();
      expect(await members.count()).toBe(202);
      const form = page.getByRole('form', { name: 'Add a member' });
      const pick = form.getByRole('combobox', { name: /^Organization member/ });
      await pick.fill('crew299');
      await page.getByRole('option', { name: /crew299@example\.com/ }).click();
      await form.getByRole('button', { name: 'Add' }).click();
      await rowWith(page, 'crew299@example.com').waitFor();
    } finally {
      await other.close();
    }
  });

  it("shows a Viewer the tree and a team's members, without the actions", async () => {
    const viewer = await join(t, org, 'viewer');
    const other = await signedIn(browser, t.baseUrl, viewer, `/orgs/${org.tenantId}/teams`);
    try {
      const nav = other.page.getByRole('navigation', { name: 'Organization' });
      await nav.getByRole('link', { name: 'Teams' }).waitFor();
      await other.page.getByRole('button', { name: 'Show Platform', exact: true }).click();
      await other.page.getByRole('heading', { name: 'Members of Platform' }).waitFor();
      expect(await other.page.getByRole('form', { name: 'Create a team' }).count()).toBe(0);
      expect(await other.page.getByRole('button', { name: /^Actions for/ }).count()).toBe(0);
      expect(await other.page.getByRole('form', { name: 'Add a member' }).count()).toBe(0);
      expect(await audit(other.page, 'teams-viewer')).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
