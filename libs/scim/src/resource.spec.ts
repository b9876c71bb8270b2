import { ScimError } from './errors.js';
import { normalizeResource } from './resource.js';
import { GROUP_RESOURCE, USER_RESOURCE } from './schemas.js';
import { SCHEMAS } from './urns.js';

const ENTERPRISE = SCHEMAS.enterpriseUser;

function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('normalizeResource', () => {
  it('normalises an Entra-style user', () => {
    const body = {
      schemas: [SCHEMAS.user, ENTERPRISE],
      ExternalId: 'e-1',
      UserName: 'Test_User@example.com',
      active: 'True',
      displayName: 'Test User',
      emails: [{ Primary: 'true', type: 'work', value: 'test@example.com' }],
      name: { givenName: 'Test', FamilyName: 'User', nickname: 'dropped' },
      [ENTERPRISE]: { Department: 'Sales', manager: 'm-1' },
      id: 'client-chosen',
      meta: { resourceType: 'User' },
      groups: [{ value: 'g' }],
      password: 'secret',
      'urn:example:custom:1.0:User': { badge: 7 },
    };
    expect(normalizeResource(body, USER_RESOURCE)).toEqual({
      externalId: 'e-1',
      userName: 'Test_User@example.com',
      active: true,
      displayName: 'Test User',
      emails: [{ value: 'test@example.com', type: 'work', primary: true }],
      name: { givenName: 'Test', familyName: 'User' },
      [ENTERPRISE]: { department: 'Sales', manager: { value: 'm-1' } },
      schemas: [SCHEMAS.user, ENTERPRISE],
    });
  });

  it('takes fully qualified attribute names', () => {
    const body = {
      schemas: [SCHEMAS.user],
      [`${SCHEMAS.user}:userName`]: 'a',
      [`${ENTERPRISE}:employeeNumber`]: '42',
    };
    expect(normalizeResource(body, USER_RESOURCE)).toEqual({
      userName: 'a',
      [ENTERPRISE]: { employeeNumber: '42' },
      schemas: [SCHEMAS.user, ENTERPRISE],
    });
  });

  it('normalises a group with members given as objects or ids', () => {
    const body = {
      schemas: [SCHEMAS.group],
      displayName: 'Guides',
      members: [{ value: 'a', display: 'A', $ref: 'https://x/Users/a' }, 'b', { value: 'a' }],
    };
    expect(normalizeResource(body, GROUP_RESOURCE)).toEqual({
      displayName: 'Guides',
      members: [{ value: 'a', $ref: 'https://x/Users/a', display: 'A' }, { value: 'b' }],
      schemas: [SCHEMAS.group],
    });
  });

  it('keeps a single primary email', () => {
    const body = {
      schemas: [SCHEMAS.user],
      userName: 'a',
      emails: [
        { value: 'a@x', primary: true },
        { value: 'b@x', primary: true },
      ],
    };
    const emails = normalizeResource(body, USER_RESOURCE).emails as { primary: boolean }[];
    expect(emails.filter((email) => email.primary)).toHaveLength(1);
  });

  it.each<[unknown, string, string]>([
    [null, 'invalidSyntax', 'must be a JSON object'],
    [[{ userName: 'a' }], 'invalidSyntax', 'must be a JSON object'],
    ['{}', 'invalidSyntax', 'must be a JSON object'],
    [{ userName: 'a' }, 'invalidSyntax', `'schemas' must contain "${SCHEMAS.user}"`],
    [{ schemas: [SCHEMAS.group], userName: 'a' }, 'invalidSyntax', "'schemas' must contain"],
    [{ schemas: [SCHEMAS.user] }, 'invalidValue', "Attribute 'userName' is required"],
    [{ schemas: [SCHEMAS.user], userName: '' }, 'invalidValue', "'userName' is required"],
    [{ schemas: [SCHEMAS.user], userName: null }, 'invalidValue', "'userName' is required"],
    [
      { schemas: [SCHEMAS.user], userName: 5 },
      'invalidValue',
      "Attribute 'userName' must be a string, not 5",
    ],
    [
      { schemas: [SCHEMAS.user], userName: 'a', active: 'maybe' },
      'invalidValue',
      "'active' must be a boolean",
    ],
    [
      { schemas: [SCHEMAS.user], userName: 'a', name: 'A B' },
      'invalidValue',
      "'name' must be an object",
    ],
    [
      { schemas: [SCHEMAS.user], userName: 'a', emails: [{ value: 3 }] },
      'invalidValue',
      "'emails.value' must be a string",
    ],
    [
      { schemas: [SCHEMAS.user], userName: 'a', [ENTERPRISE]: 'x' },
      'invalidValue',
      'needs an object value',
    ],
  ])('refuses %j', (body, scimType, detail) => {
    const error = scimError(() => normalizeResource(body, USER_RESOURCE));
    expect(error).toMatchObject({ status: 400, scimType });
    expect(error.detail).toContain(detail);
  });

  it('refuses a group without displayName', () => {
    const error = scimError(() => normalizeResource({ schemas: [SCHEMAS.group] }, GROUP_RESOURCE));
    expect(error.detail).toContain("'displayName' is required");
  });

  it('drops prototype-polluting keys', () => {
    const body = JSON.parse(
      `{"schemas":["${SCHEMAS.user}"],"userName":"a","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`,
    ) as unknown;
    const result = normalizeResource(body, USER_RESOURCE);
    expect(result).toEqual({ userName: 'a', schemas: [SCHEMAS.user] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
