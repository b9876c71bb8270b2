import { startTestApp, type TestApp } from './support/app.js';
import { ENTERPRISE, GROUP, patchOp, scimClient, USER, type ScimClient } from './support/scim.js';
import { login, signup } from './support/users.js';

/**
 * Provisioning cycles as Microsoft Entra ID and Okta run them (request shapes from their
 * documentation and logs), each checked at the end through the admin members API.
 */
describe('SCIM provisioning cycles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const members = async (c: ScimClient, query = '') =>
    (await t.request('GET', `/api/v1/tenants/${c.tenantId}/members${query}`)).body.data as {
      id: string;
      username: string;
      email: string;
      displayName: string;
      status: string;
      role: string;
      userId: string | null;
    }[];
  const auditTypes = async (c: ScimClient) =>
    (
      (await t.request('GET', `/api/v1/tenants/${c.tenantId}/audit-events?limit=200`)).body
        .data as { type: string; actor: { type: string; id: string } }[]
    ).filter((e) => e.type.startsWith('scim.'));

  it('Microsoft Entra ID: lookup, create, update, manager, group push, membership changes, deactivate, reactivate, delete', async () => {
    const c = await scimClient(t);
    const lookup = await c.request(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "Alice@Contoso.com"')}`,
    );
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({ totalResults: 0, Resources: [] });

    const entraUser = (userName: string, externalId: string, given: string, family: string) => ({
      schemas: [USER, ENTERPRISE],
      externalId,
      userName,
      active: true,
      displayName: `${given} ${family}`,
      emails: [{ primary: true, type: 'work', value: userName }],
      meta: { resourceType: 'User' },
      name: { formatted: `${given} ${family}`, familyName: family, givenName: given },
      title: 'Engineer',
      [ENTERPRISE]: { employeeNumber: '42', department: 'R&D' },
    });
    const alice = await c.request(
      'POST',
      '/Users',
      entraUser('alice@contoso.com', 'e-alice', 'Alice', 'Example'),
    );
    expect(alice.status).toBe(201);
    expect(alice.headers.get('location')).toBe(alice.body.meta.location);
    expect(alice.headers.get('etag')).toBe(alice.body.meta.version);
    expect(alice.body).toMatchObject({
      userName: 'alice@contoso.com',
      active: true,
      externalId: 'e-alice',
      [ENTERPRISE]: { employeeNumber: '42', department: 'R&D' },
      meta: { resourceType: 'User' },
    });
    const bob = await c.request(
      'POST',
      '/Users',
      entraUser('bob@contoso.com', 'e-bob', 'Bob', 'Boss'),
    );
    expect(bob.status).toBe(201);
    // Entra's matching lookup is case-insensitive on userName.
    const found = await c.request(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "ALICE@contoso.com"')}`,
    );
    expect(found.body.Resources.map((u: { id: string }) => u.id)).toEqual([alice.body.id]);

    // Entra's updates: capitalised ops, string booleans, filtered paths, dotted and URN keys.
    const updated = await c.request(
      'PATCH',
      `/Users/${alice.body.id}`,
      patchOp(
        { op: 'Replace', path: 'displayName', value: 'Alice E.' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'alice.e@contoso.com' },
        { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Platform' },
        {
          op: 'Replace',
          value: {
            'name.givenName': 'Alicia',
            [`${ENTERPRISE}:costCenter`]: 'CC-7',
            active: 'True',
          },
        },
      ),
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      displayName: 'Alice E.',
      active: true,
      name: { givenName: 'Alicia', familyName: 'Example' },
      emails: [{ type: 'work', value: 'alice.e@contoso.com', primary: true }],
      [ENTERPRISE]: { department: 'Platform', costCenter: 'CC-7', employeeNumber: '42' },
    });
    // Manager as Entra sends it: the manager's id as a bare string.
    const managed = await c.request(
      'PATCH',
      `/Users/${alice.body.id}`,
      patchOp({ op: 'Add', path: `${ENTERPRISE}:manager`, value: bob.body.id }),
    );
    expect(managed.status).toBe(200);
    expect(managed.body[ENTERPRISE].manager).toMatchObject({ value: bob.body.id });

    // Group push.
    const groupLookup = await c.request(
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Engineering"')}`,
    );
    expect(groupLookup.body).toMatchObject({ totalResults: 0, Resources: [] });
    const group = await c.request('POST', '/Groups', {
      schemas: [GROUP],
      externalId: 'g-eng',
      displayName: 'Engineering',
      members: [],
    });
    expect(group.status).toBe(201);
    const add = await c.request(
      'PATCH',
      `/Groups/${group.body.id}`,
      patchOp({
        op: 'Add',
        path: 'members',
        value: [{ value: alice.body.id }, { value: bob.body.id }],
      }),
    );
    expect(add.status).toBe(204);
    const listed = await c.request(
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "engineering"')}`,
    );
    expect(listed.body.Resources).toEqual([
      expect.not.objectContaining({ members: expect.anything() }),
    ]);
    // Entra removes members with path "members" and the values to remove.
    const removeBob = await c.request(
      'PATCH',
      `/Groups/${group.body.id}`,
      patchOp({ op: 'Remove', path: 'members', value: [{ value: bob.body.id }] }),
    );
    expect(removeBob.status).toBe(204);
    const afterRemove = await c.request('GET', `/Groups/${group.body.id}`);
    expect(afterRemove.body.members.map((m: { value: string }) => m.value)).toEqual([
      alice.body.id,
    ]);
    const aliceGroups = await c.request('GET', `/Users/${alice.body.id}`);
    expect(aliceGroups.body.groups).toEqual([
      expect.objectContaining({ value: group.body.id, display: 'Engineering' }),
    ]);

    // Deactivate and reactivate as Entra does: a string boolean.
    const off = await c.request(
      'PATCH',
      `/Users/${alice.body.id}`,
      patchOp({ op: 'Replace', path: 'active', value: 'False' }),
    );
    expect(off.body.active).toBe(false);
    expect((await members(c)).find((m) => m.id === alice.body.id)?.status).toBe('suspended');
    const on = await c.request(
      'PATCH',
      `/Users/${alice.body.id}`,
      patchOp({ op: 'Replace', path: 'active', value: 'True' }),
    );
    expect(on.body.active).toBe(true);

    expect((await c.request('DELETE', `/Users/${bob.body.id}`)).status).toBe(204);
    expect((await c.request('GET', `/Users/${bob.body.id}`)).status).toBe(404);

    // What the admin API shows.
    const list = await members(c);
    expect(list).toEqual([
      expect.objectContaining({
        id: alice.body.id,
        username: 'alice@contoso.com',
        email: 'alice.e@contoso.com',
        displayName: 'Alice E.',
        role: 'member',
        status: 'active',
        userId: null,
      }),
    ]);
    expect((await members(c, '?status=removed')).map((m) => m.id)).toEqual([bob.body.id]);
    const events = await auditTypes(c);
    expect(events.every((e) => e.actor.type === 'scim_token' && e.actor.id === c.tokenId)).toBe(
      true,
    );
    expect([...new Set(events.map((e) => e.type))].sort()).toEqual([
      'scim.group.created',
      'scim.group.updated',
      'scim.user.created',
      'scim.user.deactivated',
      'scim.user.deleted',
      'scim.user.reactivated',
      'scim.user.updated',
    ]);
  });

  it('Okta: lookup, create, full PUT, group push, rename, members replace, deactivate, delete group', async () => {
    const c = await scimClient(t);
    const lookup = await c.request(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "carol@okta.example"')}&startIndex=1&count=100`,
    );
    expect(lookup.body).toMatchObject({ totalResults: 0, startIndex: 1, itemsPerPage: 0 });
    const oktaUser = (userName: string, given: string, family: string, extra = {}) => ({
      schemas: [USER],
      userName,
      name: { givenName: given, familyName: family },
      emails: [{ primary: true, value: userName, type: 'work' }],
      displayName: `${given} ${family}`,
      locale: 'en-US',
      externalId: `okta-${given}`,
      groups: [],
      // Okta sends the password when "sync password" is on: not stored, not an error.
      password: 'ignored-Secret-1',
      active: true,
      ...extra,
    });
    const carol = await c.request(
      'POST',
      '/Users',
      oktaUser('carol@okta.example', 'Carol', 'Smith'),
    );
    expect(carol.status).toBe(201);
    expect(carol.body).not.toHaveProperty('password');
    const dave = await c.request('POST', '/Users', oktaUser('dave@okta.example', 'Dave', 'Jones'));
    expect(dave.status).toBe(201);

    // Okta pushes profile changes as full PUTs.
    const put = await c.request(
      'PUT',
      `/Users/${carol.body.id}`,
      oktaUser('carol@okta.example', 'Carol', 'Smith-Lee', {
        id: carol.body.id,
        displayName: 'Carol Smith-Lee',
        title: 'Account Executive',
        emails: [{ primary: true, value: 'carol.lee@okta.example', type: 'work' }],
      }),
    );
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      displayName: 'Carol Smith-Lee',
      title: 'Account Executive',
      name: { familyName: 'Smith-Lee' },
    });

    const group = await c.request('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Sales',
      members: [{ value: carol.body.id, display: 'carol@okta.example' }],
    });
    expect(group.status).toBe(201);
    expect(group.body.members).toEqual([expect.objectContaining({ value: carol.body.id })]);
    // Okta renames with a path-less replace whose value carries the id.
    const rename = await c.request(
      'PATCH',
      `/Groups/${group.body.id}`,
      patchOp({ op: 'replace', value: { id: group.body.id, displayName: 'Sales EMEA' } }),
    );
    expect(rename.status).toBe(204);
    const replace = await c.request(
      'PATCH',
      `/Groups/${group.body.id}`,
      patchOp({
        op: 'replace',
        path: 'members',
        value: [{ value: dave.body.id, display: 'dave' }],
      }),
    );
    expect(replace.status).toBe(204);
    const check = await c.request('GET', `/Groups/${group.body.id}`);
    expect(check.body).toMatchObject({
      displayName: 'Sales EMEA',
      members: [expect.objectContaining({ value: dave.body.id })],
    });
    expect(check.body.members).toHaveLength(1);

    // Okta deactivates with a path-less replace.
    const off = await c.request(
      'PATCH',
      `/Users/${carol.body.id}`,
      patchOp({ op: 'replace', value: { active: false } }),
    );
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);

    const list = await members(c);
    expect(list.map((m) => [m.username, m.email, m.displayName, m.status])).toEqual([
      ['carol@okta.example', 'carol.lee@okta.example', 'Carol Smith-Lee', 'suspended'],
      ['dave@okta.example', 'dave@okta.example', 'Dave Jones', 'active'],
    ]);
    expect((await c.request('DELETE', `/Groups/${group.body.id}`)).status).toBe(204);
    expect((await c.request('GET', `/Groups/${group.body.id}`)).status).toBe(404);
    expect(
      await t.sql('SELECT count(*)::int AS n FROM team_members WHERE tenant_id = $1', [c.tenantId]),
    ).toEqual([{ n: 0 }]);
  });

  it('links a provisioned member to the account that signs in with the verified email', async () => {
    const c = await scimClient(t);
    const email = `erin.${Date.now()}@example.com`;
    const person = await signup(t, { email });
    // An account whose email is not verified (any more) links nothing when it signs in.
    await t.sql('UPDATE accounts SET email_verified = false WHERE lower(email) = $1', [email]);
    const erin = await c.request('POST', '/Users', {
      schemas: [USER],
      userName: 'erin',
      emails: [{ value: email.toUpperCase(), primary: true }],
    });
    expect(erin.status).toBe(201);
    expect((await login(t, { email, password: person.password })).status).toBe(200);
    expect((await members(c))[0]?.userId).toBeNull();
    await t.sql('UPDATE accounts SET email_verified = true WHERE lower(email) = $1', [email]);
    expect((await login(t, { email, password: person.password })).status).toBe(200);
    const [linked] = await members(c);
    expect(linked).toMatchObject({ id: erin.body.id, userId: expect.any(String) });
    // The member reaches the tenant with the account's own sign-in.
    const session = await login(t, { email, password: person.password });
    expect(
      (
        await t.request('GET', `/api/v1/tenants/${c.tenantId}/members/${erin.body.id}`, {
          token: session.body.accessToken,
        })
      ).status,
    ).toBe(200);
  });
});
