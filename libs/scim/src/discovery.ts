import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './schemas.js';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_RESOURCE,
  GROUP_SCHEMA,
  USER_RESOURCE,
  USER_SCHEMA,
} from './schemas.js';
import { SCHEMAS } from './urns.js';

// Discovery documents (RFC 7644 §4). `baseUrl` is the SCIM root, e.g. https://host/scim/v2.

const trim = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

export function serviceProviderConfig(
  baseUrl: string,
  o: { maxResults: number; bulk?: false; changePassword?: false; documentationUri?: string },
): object {
  return {
    schemas: [SCHEMAS.serviceProviderConfig],
    ...(o.documentationUri !== undefined && { documentationUri: o.documentationUri }),
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: o.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with a bearer token issued for one tenant.',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${trim(baseUrl)}/ServiceProviderConfig`,
    },
  };
}

function resourceType(baseUrl: string, resource: ResourceSchema, description: string): object {
  return {
    schemas: [SCHEMAS.resourceType],
    id: resource.name,
    name: resource.name,
    endpoint: resource.endpoint,
    description,
    schema: resource.core.id,
    schemaExtensions: resource.extensions.map((extension) => ({
      schema: extension.id,
      required: false,
    })),
    meta: {
      resourceType: 'ResourceType',
      location: `${trim(baseUrl)}/ResourceTypes/${resource.name}`,
    },
  };
}

export function resourceTypes(baseUrl: string): object[] {
  return [
    resourceType(baseUrl, USER_RESOURCE, 'User Account'),
    resourceType(baseUrl, GROUP_RESOURCE, 'Group'),
  ];
}

// Only the RFC 7643 §7 fields, sub-attributes for complex attributes only.
function publish(attribute: AttributeDefinition): object {
  const { subAttributes, canonicalValues, referenceTypes, ...rest } = attribute;
  return {
    ...rest,
    ...(attribute.type === 'complex' && { subAttributes: (subAttributes ?? []).map(publish) }),
    ...(canonicalValues && { canonicalValues }),
    ...(referenceTypes && { referenceTypes }),
  };
}

function schemaResource(baseUrl: string, schema: SchemaDefinition): object {
  return {
    schemas: [SCHEMAS.schema],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(publish),
    meta: { resourceType: 'Schema', location: `${trim(baseUrl)}/Schemas/${schema.id}` },
  };
}

/** The User, EnterpriseUser and Group schemas as Schema resources (for /Schemas). */
export function schemaResources(baseUrl: string): object[] {
  return [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA].map((schema) =>
    schemaResource(baseUrl, schema),
  );
}
