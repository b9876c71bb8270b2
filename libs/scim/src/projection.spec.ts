import { project } from './projection.js';
import { GROUP_RESOURCE, USER_RESOURCE, type ResourceSchema } from './schemas.js';
import { SCHEMAS } from './urns.js';

const ENTERPRISE = SCHEMAS.enterpriseUser;

const user = () => ({
  schemas: [SCHEMAS.user, ENTERPRISE],
  id: 'u1',
  externalId: 'e1',
  userName: 'bjensen',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [
    { value: 'b@example.com', type: 'work', primary: true },
    { value: 'h@example.org', type: 'home' },
  ],
  [ENTERPRISE]: { department: 'Sales', manager: { value: 'm1', displayName: 'Boss' } },
  meta: { resourceType: 'User', location: 'https://h/scim/v2/Users/u1' },
});

const group = () => ({
  schemas: [SCHEMAS.group],
  id: 'g1',
  displayName: 'Guides',
  members: [{ value: 'u1' }],
  meta: { resourceType: 'Group' },
});

describe('project', () => {
  it('returns everything (as a copy) without parameters', () => {
    const input = user();
    const output = project(input, USER_RESOURCE, {});
    expect(output).toEqual(user());
    expect(output).not.toBe(input);
  });

  it.each<[string, Record<string, unknown>]>([
    ['userName', { userName: 'bjensen' }],
    ['USERNAME, externalId', { userName: 'bjensen', externalId: 'e1' }],
    [`${SCHEMAS.user}:userName`, { userName: 'bjensen' }],
    ['name.givenName', { name: { givenName: 'Barbara' } }],
    ['emails.value', { emails: [{ value: 'b@example.com' }, { value: 'h@example.org' }] }],
    [
      'emails.value,emails.type',
      {
        emails: [
          { value: 'b@example.com', type: 'work' },
          { value: 'h@example.org', type: 'home' },
        ],
      },
    ],
    ['emails.value,emails', { emails: user().emails }],
    [`${ENTERPRISE}:department`, { [ENTERPRISE]: { department: 'Sales' } }],
    [`${ENTERPRISE}:manager.value`, { [ENTERPRISE]: { manager: { value: 'm1' } } }],
    [ENTERPRISE, { [ENTERPRISE]: user()[ENTERPRISE] }],
    ['id', {}],
    ['nickName,unknown,,  ,a.b.c,__proto__', {}],
  ])('attributes=%s', (attributes, picked) => {
    expect(project(user(), USER_RESOURCE, { attributes })).toEqual({
      schemas: [SCHEMAS.user, ENTERPRISE],
      id: 'u1',
      ...picked,
    });
  });

  it.each<[string, (u: ReturnType<typeof user>) => void]>([
    ['emails', (u) => delete (u as Partial<typeof u>).emails],
    ['id,schemas', () => undefined],
    ['name.givenName', (u) => delete (u.name as Partial<typeof u.name>).givenName],
    [
      'emails.primary',
      (u) => {
        delete (u.emails[0] as { primary?: boolean }).primary;
      },
    ],
    [ENTERPRISE, (u) => delete (u as Partial<typeof u>)[ENTERPRISE]],
    [
      `${ENTERPRISE}:manager`,
      (u) => delete (u[ENTERPRISE] as Partial<(typeof u)[typeof ENTERPRISE]>).manager,
    ],
    ['meta, unknown', (u) => delete (u as Partial<typeof u>).meta],
  ])('excludedAttributes=%s', (excludedAttributes, change) => {
    const expected = user();
    change(expected);
    expect(project(user(), USER_RESOURCE, { excludedAttributes })).toEqual(expected);
  });

  it('drops a complex attribute emptied by exclusion', () => {
    const result = project(user(), USER_RESOURCE, {
      excludedAttributes: 'name.givenName,name.familyName',
    });
    expect(result).not.toHaveProperty('name');
  });

  it('answers Entra’s excludedAttributes=members on groups', () => {
    expect(project(group(), GROUP_RESOURCE, { excludedAttributes: 'members' })).toEqual({
      schemas: [SCHEMAS.group],
      id: 'g1',
      displayName: 'Guides',
      meta: { resourceType: 'Group' },
    });
  });

  it('never shows returned:never attributes', () => {
    const withSecret: ResourceSchema = {
      ...USER_RESOURCE,
      core: {
        ...USER_RESOURCE.core,
        attributes: [
          ...USER_RESOURCE.core.attributes,
          { ...USER_RESOURCE.core.attributes[0]!, name: 'password', returned: 'never' },
        ],
      },
    };
    const input = { ...user(), password: 'secret' };
    expect(project(input, withSecret, {})).not.toHaveProperty('password');
    expect(project(input, withSecret, { attributes: 'password' })).not.toHaveProperty('password');
  });

  it('leaves the input untouched', () => {
    const input = user();
    project(input, USER_RESOURCE, { excludedAttributes: 'name.givenName,emails.value' });
    expect(input).toEqual(user());
  });

  it('survives hostile parameters', () => {
    const attributes = `${'x,'.repeat(100_000)}userName`;
    expect(() => project(user(), USER_RESOURCE, { attributes })).not.toThrow();
    expect(project(null as never, USER_RESOURCE, { attributes: 7 as never })).toEqual({});
  });
});
