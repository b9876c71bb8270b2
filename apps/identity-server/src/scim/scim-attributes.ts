import {
  ENTERPRISE_USER_SCHEMA,
  USER_SCHEMA,
  type AttributeDefinition,
  type SqlAttribute,
  type SqlAttributeMap,
  type SqlScalarType,
} from '#scim';
import { PROFILE_FIELDS, statusSql } from '../members/index.js';

/**
 * Where each filterable attribute lives in SQL (filterToSql reads these maps). Users: the
 * membership columns (alias `m`) for id, userName, displayName, active, externalId and meta; every
 * other schema attribute in `m.scim`, stored under its schema spelling (the enterprise extension
 * under its URN). Built from the published schemas, so /Schemas and filters cannot disagree.
 */
const USER_COLUMNS: SqlAttributeMap = {
  id: { kind: 'column', sql: 'm.id', type: 'reference', caseExact: true, uuid: true },
  // userName, displayName, externalId and any other profile column (members/member-fields.ts).
  ...Object.fromEntries(
    PROFILE_FIELDS.map((f) => [
      f.scim.toLowerCase(),
      { kind: 'column', sql: `m.${f.column}`, type: 'string', caseExact: f.caseExact } as const,
    ]),
  ),
  active: {
    kind: 'column',
    sql: `(${statusSql('m.status', 'hasAccess')})`,
    type: 'boolean',
    caseExact: false,
  },
  'meta.created': { kind: 'column', sql: 'm.created_at', type: 'dateTime', caseExact: false },
  'meta.lastmodified': { kind: 'column', sql: 'm.updated_at', type: 'dateTime', caseExact: false },
};

/** Attributes kept in columns (or computed) rather than in the scim jsonb. */
export const USER_COLUMN_ATTRIBUTES = new Set<string>([
  ...PROFILE_FIELDS.map((f) => f.scim),
  'active',
  'groups',
]);

function scalar(type: AttributeDefinition['type']): SqlScalarType {
  if (type === 'boolean' || type === 'dateTime' || type === 'integer') return type;
  return 'string';
}

/** `m.scim #> '{a,b}'`: the path segments are schema names and URNs, never client input. */
function jsonPath(segments: string[]): string {
  return `m.scim #> '{${segments.map((s) => (/^[\w:.$-]+$/.test(s) ? s : '')).join(',')}}'`;
}

function addSchema(
  map: SqlAttributeMap,
  attributes: AttributeDefinition[],
  keyPrefix: string,
  pathPrefix: string[],
): void {
  for (const a of attributes) {
    if (USER_COLUMN_ATTRIBUTES.has(a.name) && pathPrefix.length === 0) continue;
    const key = `${keyPrefix}${a.name.toLowerCase()}`;
    const path = [...pathPrefix, a.name];
    if (a.type === 'complex' && a.multiValued) {
      const subAttributes: Extract<SqlAttribute, { kind: 'jsonArray' }>['subAttributes'] = {};
      for (const sub of a.subAttributes ?? []) {
        subAttributes[sub.name.toLowerCase()] = {
          type: scalar(sub.type),
          caseExact: sub.caseExact,
          name: sub.name,
        };
      }
      map[key] = {
        kind: 'jsonArray',
        sql: `(${jsonPath(path)})`,
        subAttributes,
        ...('value' in subAttributes ? { defaultSub: 'value' } : {}),
      };
    } else if (a.type === 'complex') {
      for (const sub of a.subAttributes ?? []) {
        map[`${key}.${sub.name.toLowerCase()}`] = {
          kind: 'json',
          sql: jsonPath([...path, sub.name]),
          type: scalar(sub.type),
          caseExact: sub.caseExact,
        };
      }
    } else {
      map[key] = {
        kind: 'json',
        sql: jsonPath(path),
        type: scalar(a.type),
        caseExact: a.caseExact,
      };
    }
  }
}

function userAttributes(): SqlAttributeMap {
  const map: SqlAttributeMap = { ...USER_COLUMNS };
  addSchema(map, USER_SCHEMA.attributes, '', []);
  addSchema(map, ENTERPRISE_USER_SCHEMA.attributes, `${ENTERPRISE_USER_SCHEMA.id.toLowerCase()}:`, [
    ENTERPRISE_USER_SCHEMA.id,
  ]);
  return map;
}

export const USER_ATTRIBUTES: SqlAttributeMap = userAttributes();

/** Groups are teams (alias `t`); members are read from team_members of members not removed. */
export const GROUP_ATTRIBUTES: SqlAttributeMap = {
  id: { kind: 'column', sql: 't.id', type: 'reference', caseExact: true, uuid: true },
  externalid: { kind: 'column', sql: 't.external_id', type: 'string', caseExact: true },
  displayname: { kind: 'column', sql: 't.name', type: 'string', caseExact: false },
  'meta.created': { kind: 'column', sql: 't.created_at', type: 'dateTime', caseExact: false },
  'meta.lastmodified': { kind: 'column', sql: 't.updated_at', type: 'dateTime', caseExact: false },
  members: {
    kind: 'jsonArray',
    sql: `(SELECT coalesce(jsonb_agg(jsonb_build_object('value', tm.membership_id::text, 'display', mm.display_name, 'type', 'User')), '[]'::jsonb)
             FROM team_members tm JOIN memberships mm ON mm.tenant_id = tm.tenant_id AND mm.id = tm.membership_id
            WHERE tm.tenant_id = t.tenant_id AND tm.team_id = t.id AND mm.status <> 'removed')`,
    subAttributes: {
      value: { type: 'string', caseExact: true },
      display: { type: 'string', caseExact: false },
      type: { type: 'string', caseExact: false },
    },
    defaultSub: 'value',
  },
};
