import { resourceTypes, schemaResources, serviceProviderConfig } from './discovery.js';
import { SCHEMAS } from './urns.js';

const BASE = 'https://id.example.com/scim/v2/';

describe('discovery documents', () => {
  it('describes the service provider', () => {
    expect(serviceProviderConfig(BASE, { maxResults: 200, documentationUri: 'https://d' })).toEqual(
      {
        schemas: [SCHEMAS.serviceProviderConfig],
        documentationUri: 'https://d',
        patch: { supported: true },
        bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
        filter: { supported: true, maxResults: 200 },
        changePassword: { supported: false },
        sort: { supported: true },
        etag: { supported: true },
        authenticationSchemes: [
          expect.objectContaining({ type: 'oauthbearertoken', primary: true }),
        ],
        meta: {
          resourceType: 'ServiceProviderConfig',
          location: 'https://id.example.com/scim/v2/ServiceProviderConfig',
        },
      },
    );
  });

  it('lists the User and Group resource types', () => {
    expect(resourceTypes(BASE)).toEqual([
      expect.objectContaining({
        schemas: [SCHEMAS.resourceType],
        id: 'User',
        endpoint: '/Users',
        schema: SCHEMAS.user,
        schemaExtensions: [{ schema: SCHEMAS.enterpriseUser, required: false }],
        meta: {
          resourceType: 'ResourceType',
          location: 'https://id.example.com/scim/v2/ResourceTypes/User',
        },
      }),
      expect.objectContaining({
        id: 'Group',
        endpoint: '/Groups',
        schema: SCHEMAS.group,
        schemaExtensions: [],
      }),
    ]);
  });

  it('publishes every schema with RFC 7643 §7 attribute fields', () => {
    const schemas = schemaResources(BASE) as {
      id: string;
      attributes: Record<string, unknown>[];
      meta: { location: string };
    }[];
    expect(schemas.map((s) => s.id)).toEqual([SCHEMAS.user, SCHEMAS.enterpriseUser, SCHEMAS.group]);
    expect(schemas[0]!.meta.location).toBe(
      `https://id.example.com/scim/v2/Schemas/${SCHEMAS.user}`,
    );
    const walk = (attributes: Record<string, unknown>[]): void => {
      for (const attribute of attributes) {
        for (const key of [
          'name',
          'type',
          'multiValued',
          'description',
          'required',
          'caseExact',
          'mutability',
          'returned',
          'uniqueness',
        ])
          expect(attribute).toHaveProperty(key);
        if (attribute.type === 'complex')
          walk(attribute.subAttributes as Record<string, unknown>[]);
        else expect(attribute).not.toHaveProperty('subAttributes');
      }
    };
    schemas.forEach((schema) => walk(schema.attributes));
    const userName = schemas[0]!.attributes.find((a) => a.name === 'userName');
    expect(userName).toMatchObject({
      required: true,
      caseExact: false,
      uniqueness: 'server',
      type: 'string',
    });
    const members = schemas[2]!.attributes.find((a) => a.name === 'members') as {
      subAttributes: { name: string; mutability: string }[];
    };
    expect(members.subAttributes.find((s) => s.name === 'value')?.mutability).toBe('immutable');
    const groups = schemas[0]!.attributes.find((a) => a.name === 'groups');
    expect(groups).toMatchObject({ mutability: 'readOnly', multiValued: true });
  });
});
