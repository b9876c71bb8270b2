import { startTestApp, type TestApp } from './support/app.js';
import { ENTERPRISE, GROUP, patchOp, scimClient, user } from './support/scim.js';
/**
 * Seeded random SCIM requests (bodies, PATCH operations, filters, sorts, projections) against
 * the real server: every answer is a 2xx or a 4xx, never a server error.
 */
describe('SCIM under random input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });
  it('answers 400 random requests without a 5xx', async () => {
    const c = await scimClient(t);
    const u = (await c.request('POST', '/Users', user('fuzz@example.com'))).body.id;
    const g = (
      await c.request('POST', '/Groups', {
        schemas: [GROUP],
        displayName: 'F',
        members: [{ value: u }],
      })
    ).body.id;
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const atoms: unknown[] = [
      null,
      true,
      false,
      0,
      -1,
      1e308,
      '',
      'x',
      'True',
      'False',
      '2020-01-01',
      [],
      {},
      [null],
      [{}],
      { value: 'x' },
      { value: u },
      u,
      'a'.repeat(300),
      { __proto__: { a: 1 } },
      { constructor: 1 },
    ];
    const paths = [
      'userName',
      'active',
      'emails',
      'emails[type eq "work"].value',
      'name.givenName',
      'members',
      `members[value eq "${u}"]`,
      'members[value eq',
      `${ENTERPRISE}:manager`,
      `${ENTERPRISE}:manager.value`,
      'meta.version',
      'id',
      'groups',
      'x.y.z',
      '',
      'emails[primary eq true]',
      'phoneNumbers[type eq "work"].value',
      'addresses[type eq "work"].locality',
      'displayName',
      'externalId',
      'roles',
    ];
    const value = (d = 0): unknown =>
      d > 2 || rnd() < 0.5
        ? pick(atoms)
        : rnd() < 0.5
          ? Array.from({ length: 3 }, () => value(d + 1))
          : Object.fromEntries(
              Array.from({ length: 3 }, () => [
                pick([...paths, 'value', 'type', 'primary', 'display', 'schemas']),
                value(d + 1),
              ]),
            );
    const filters = [
      'userName eq "x"',
      'emails[type eq "work" and value co "@"]',
      'members.value eq "x"',
      'meta.created gt "2020-01-01T00:00:00Z"',
      'a eq',
      '((',
      'userName eq 1',
      'active eq "yes"',
      'id eq 5',
      'meta.lastModified gt 5',
      'emails pr',
      'not(userName eq "x")',
      'title sw null',
      'externalId ne null',
      `${ENTERPRISE}:manager.value eq "x"`,
      'displayName gt true',
      'userName co ""',
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 400; i++) {
      const kind = pick(['postU', 'putU', 'patchU', 'postG', 'putG', 'patchG', 'list', 'listG']);
      let res;
      if (kind === 'postU')
        res = await c.request(
          'POST',
          '/Users',
          rnd() < 0.5 ? { ...user(`f${i}@x.com`), ...(value() as object) } : value(),
        );
      else if (kind === 'putU')
        res = await c.request(
          'PUT',
          `/Users/${u}`,
          rnd() < 0.5 ? { ...user('fuzz@example.com'), [pick(paths)]: value() } : value(),
        );
      else if (kind === 'patchU')
        res = await c.request(
          'PATCH',
          `/Users/${u}`,
          rnd() < 0.8
            ? patchOp({
                op: pick(['add', 'Replace', 'remove', 'x']),
                path: pick([...paths, undefined]),
                value: value(),
              })
            : value(),
        );
      else if (kind === 'postG')
        res = await c.request(
          'POST',
          '/Groups',
          rnd() < 0.5 ? { schemas: [GROUP], displayName: `G${i}`, members: value() } : value(),
        );
      else if (kind === 'putG')
        res = await c.request('PUT', `/Groups/${g}`, {
          schemas: [GROUP],
          displayName: pick(['F', 'G', value()]),
          members: value(),
        });
      else if (kind === 'patchG')
        res = await c.request(
          'PATCH',
          `/Groups/${g}`,
          patchOp({
            op: pick(['add', 'replace', 'remove']),
            path: pick([...paths, undefined]),
            value: value(),
          }),
        );
      else
        res = await c.request(
          'GET',
          `/${kind === 'list' ? 'Users' : 'Groups'}?filter=${encodeURIComponent(pick(filters))}&sortBy=${encodeURIComponent(pick(['userName', 'emails.value', 'x', 'meta.created', 'displayName', 'members']))}&attributes=${encodeURIComponent(pick(['userName', 'emails[type eq "work"]', 'x', '', 'members.value']))}`,
        );
      statuses.push(res.status);
      if (res.status >= 500) console.log(`${kind}: ${res.status} ${res.text}`);
    }
    // Some of each: the requests reach the services, not only the parsers.
    expect(statuses.filter((s) => s < 300).length).toBeGreaterThan(50);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  }, 60000);
});
