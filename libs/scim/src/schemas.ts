import { SCHEMAS } from './urns.js';

export type AttributeType =
  'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'binary' | 'reference' | 'complex';

/** RFC 7643 §7 attribute definition, as published under /Schemas. */
export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  subAttributes?: AttributeDefinition[];
  canonicalValues?: string[];
  referenceTypes?: string[];
}

export interface SchemaDefinition {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

export interface ResourceSchema {
  name: 'User' | 'Group';
  endpoint: string;
  core: SchemaDefinition;
  extensions: SchemaDefinition[];
}

type Options = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>;

// RFC 7643 §2.2 defaults: optional, single-valued, case-insensitive, read-write, returned by
// default, not unique.
function attribute(
  name: string,
  type: AttributeType,
  description: string,
  options: Options = {},
): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

const text = (name: string, description: string, options?: Options) =>
  attribute(name, 'string', description, options);

const complex = (
  name: string,
  description: string,
  subAttributes: AttributeDefinition[],
  options?: Options,
) => attribute(name, 'complex', description, { ...options, subAttributes });

/** The usual shape of a multi-valued complex attribute: value, display, type, primary. */
function multiValued(name: string, description: string, types?: string[]): AttributeDefinition {
  return complex(
    name,
    description,
    [
      text('value', `The ${name} value.`),
      text('display', 'A human-readable name, primarily used for display purposes.'),
      text('type', `A label indicating the ${name} function.`, types && { canonicalValues: types }),
      attribute('primary', 'boolean', 'Whether this is the primary value of the attribute.'),
    ],
    { multiValued: true },
  );
}

/** RFC 7643 §3.1 common attributes: belong to every resource but to no schema's attribute list. */
export const COMMON_ATTRIBUTES: AttributeDefinition[] = [
  text('id', 'Unique identifier for the SCIM resource, assigned by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  text('externalId', 'Identifier of the resource as defined by the provisioning client.', {
    caseExact: true,
  }),
  complex(
    'meta',
    'Resource metadata.',
    [
      text('resourceType', 'The name of the resource type of the resource.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
      attribute('created', 'dateTime', 'When the resource was added.', { mutability: 'readOnly' }),
      attribute('lastModified', 'dateTime', 'When the resource was last updated.', {
        mutability: 'readOnly',
      }),
      attribute('location', 'reference', 'The URI of the resource.', {
        caseExact: true,
        mutability: 'readOnly',
        referenceTypes: ['uri'],
      }),
      text('version', 'The version (weak ETag) of the resource.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
    ],
    { mutability: 'readOnly' },
  ),
];

export const USER_SCHEMA: SchemaDefinition = {
  id: SCHEMAS.user,
  name: 'User',
  description: 'User Account',
  attributes: [
    text('userName', 'Unique identifier for the User, used to sign in.', {
      required: true,
      uniqueness: 'server',
    }),
    complex('name', "The components of the user's name.", [
      text('formatted', 'The full name, formatted for display.'),
      text('familyName', 'The family name (last name).'),
      text('givenName', 'The given name (first name).'),
      text('middleName', 'The middle name(s).'),
      text('honorificPrefix', 'The honorific prefix(es), e.g. "Ms.".'),
      text('honorificSuffix', 'The honorific suffix(es), e.g. "III".'),
    ]),
    text('displayName', 'The name of the User, suitable for display to end-users.'),
    text('nickName', 'The casual way to address the user.'),
    attribute('profileUrl', 'reference', "A URI pointing to the user's online profile.", {
      referenceTypes: ['external'],
    }),
    text('title', "The user's title, such as 'Vice President'."),
    text('userType', 'The relationship between the organization and the user.'),
    text('preferredLanguage', "The user's preferred written or spoken language (RFC 7231)."),
    text('locale', "The user's default location, e.g. 'en-US'."),
    text('timezone', "The user's time zone in IANA format, e.g. 'Europe/Paris'."),
    attribute('active', 'boolean', "The user's administrative status."),
    multiValued('emails', 'Email addresses for the user.', ['work', 'home', 'other']),
    multiValued('phoneNumbers', 'Phone numbers for the user.', [
      'work',
      'home',
      'mobile',
      'fax',
      'pager',
      'other',
    ]),
    complex(
      'addresses',
      'A physical mailing address for this user.',
      [
        text('formatted', 'The full mailing address, formatted for display.'),
        text('streetAddress', 'The full street address component.'),
        text('locality', 'The city or locality component.'),
        text('region', 'The state or region component.'),
        text('postalCode', 'The zip code or postal code component.'),
        text('country', 'The country name component (ISO 3166-1 alpha-2).'),
        text('type', 'A label indicating the function of the address.', {
          canonicalValues: ['work', 'home', 'other'],
        }),
        attribute('primary', 'boolean', 'Whether this is the primary address.'),
      ],
      { multiValued: true },
    ),
    complex(
      'groups',
      'The groups the user belongs to; changed through the Group resource, never here.',
      [
        text('value', 'The id of the Group.', { caseExact: true, mutability: 'readOnly' }),
        attribute('$ref', 'reference', 'The URI of the Group.', {
          referenceTypes: ['Group'],
          mutability: 'readOnly',
        }),
        text('display', 'The displayName of the Group.', { mutability: 'readOnly' }),
        text('type', 'How the user belongs to the group.', {
          canonicalValues: ['direct', 'indirect'],
          mutability: 'readOnly',
        }),
      ],
      { multiValued: true, mutability: 'readOnly' },
    ),
    multiValued('roles', 'Roles for the user (as sent by the provisioning client).'),
  ],
};

export const ENTERPRISE_USER_SCHEMA: SchemaDefinition = {
  id: SCHEMAS.enterpriseUser,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    text('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person.'),
    text('costCenter', 'Identifies the name of a cost center.'),
    text('organization', 'Identifies the name of an organization.'),
    text('division', 'Identifies the name of a division.'),
    text('department', 'Identifies the name of a department.'),
    complex('manager', "The user's manager.", [
      text('value', 'The id of the SCIM resource representing the manager.', { caseExact: true }),
      attribute('$ref', 'reference', 'The URI of the SCIM resource representing the manager.', {
        referenceTypes: ['User'],
      }),
      text('displayName', 'The displayName of the manager.', { mutability: 'readOnly' }),
    ]),
  ],
};

export const GROUP_SCHEMA: SchemaDefinition = {
  id: SCHEMAS.group,
  name: 'Group',
  description: 'Group',
  attributes: [
    text('displayName', 'A human-readable name for the Group.', { required: true }),
    complex(
      'members',
      'A list of members of the Group.',
      [
        text('value', 'Identifier of the member of this Group.', {
          caseExact: true,
          mutability: 'immutable',
        }),
        attribute('$ref', 'reference', 'The URI of the corresponding member resource.', {
          referenceTypes: ['User', 'Group'],
          mutability: 'immutable',
        }),
        text('display', 'A human-readable name for the member.', { mutability: 'immutable' }),
        text('type', 'The type of the member.', {
          canonicalValues: ['User', 'Group'],
          mutability: 'immutable',
        }),
      ],
      { multiValued: true },
    ),
  ],
};

export const USER_RESOURCE: ResourceSchema = {
  name: 'User',
  endpoint: '/Users',
  core: USER_SCHEMA,
  extensions: [ENTERPRISE_USER_SCHEMA],
};

export const GROUP_RESOURCE: ResourceSchema = {
  name: 'Group',
  endpoint: '/Groups',
  core: GROUP_SCHEMA,
  extensions: [],
};
