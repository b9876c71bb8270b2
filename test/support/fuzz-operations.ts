import { ModulesContainer } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * What the fuzz suite attacks: every operation of the server's own /openapi.json, plus the SCIM
 * routes (the document leaves /scim/v2 out), read from Nest's router so that a new route of either
 * kind is fuzzed without an edit here.
 */
export type Schema = {
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  nullable?: boolean;
  enum?: unknown[];
  type?: string;
  format?: string;
  pattern?: string;
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
};

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface DocOperation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Schema }> };
  security?: Record<string, string[]>[];
  responses: Record<string, { description?: string }>;
}

export interface FuzzDocument {
  paths: Record<string, Record<string, DocOperation>>;
  components: { schemas: Record<string, Schema> };
}

/** Who calls: no credential, the operator key, the seeded tenant's admin key, a signed-in person. */
export type Credential = 'none' | 'operator' | 'tenantAdmin' | 'person' | 'scim';

export interface FuzzOperation {
  /** "POST /api/v1/tenants/{tenantId}/teams": how failures and the coverage list name it. */
  name: string;
  method: string;
  /** The path with `{param}` placeholders. */
  template: string;
  scim: boolean;
  credential: Credential;
  pathParams: Parameter[];
  queryParams: Parameter[];
  /** Resolved ($ref and allOf inlined); undefined when the operation takes no body. */
  body?: Schema;
  bodyRequired: boolean;
  /** Methods the same path does not serve: sent to check the router's refusal. */
  undeclaredMethods: string[];
}

const PROBE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Inlines $ref and allOf (to a depth that stops recursive schemas) so walkers see plain objects. */
export function resolveSchema(doc: FuzzDocument, schema: Schema, depth = 0): Schema {
  if (depth > 8) return {};
  if (schema.$ref) {
    const target = doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
    return target ? resolveSchema(doc, { ...target, ...without(schema, '$ref') }, depth + 1) : {};
  }
  let out: Schema = { ...schema };
  if (schema.allOf) {
    out = without(out, 'allOf');
    for (const part of schema.allOf) {
      const r = resolveSchema(doc, part, depth + 1);
      out = {
        ...r,
        ...out,
        properties: { ...r.properties, ...out.properties },
        required: [...(r.required ?? []), ...(out.required ?? [])],
      };
    }
  }
  if (out.oneOf) out.oneOf = out.oneOf.map((s) => resolveSchema(doc, s, depth + 1));
  if (out.items) out.items = resolveSchema(doc, out.items, depth + 1);
  if (out.properties)
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([k, s]) => [k, resolveSchema(doc, s, depth + 1)]),
    );
  if (!out.type && out.properties) out.type = 'object';
  return out;
}

function without<T extends object>(o: T, key: keyof T): T {
  const copy = { ...o };
  delete copy[key];
  return copy;
}

/**
 * Which credential an operation is called with. The document has one bearer scheme for all, so
 * this reads what it does say: `security: []` is public, a 403 "operator" answer is the operator's,
 * a tenant path takes the tenant's admin key, and the rest (/me, organizations, invitation
 * acceptance, sign-out) a signed-in person.
 */
function credentialOf(template: string, op: DocOperation): Credential {
  if (op.security && op.security.length === 0) return 'none';
  if (/operator/i.test(op.responses['403']?.description ?? '')) return 'operator';
  if (template.includes('{tenantId}')) return 'tenantAdmin';
  return 'person';
}

export function documentOperations(doc: FuzzDocument): FuzzOperation[] {
  const out: FuzzOperation[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!HTTP_METHODS.includes(method)) continue;
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      const bodySchema = (content['application/json'] ?? Object.values(content)[0])?.schema;
      out.push({
        name: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        scim: false,
        credential: credentialOf(template, op),
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        ...(bodySchema ? { body: resolveSchema(doc, bodySchema) } : {}),
        bodyRequired: op.requestBody?.required ?? false,
        undeclaredMethods: PROBE_METHODS.filter((m) => !(m.toLowerCase() in methods)),
      });
    }
  }
  return out;
}

/** RFC 7644 §3.4.2 list parameters, and the projection ones every SCIM resource route reads. */
const SCIM_LIST_PARAMS = ['filter', 'startIndex', 'count', 'sortBy', 'sortOrder'];
const SCIM_PROJECTION_PARAMS = ['attributes', 'excludedAttributes'];

/** The routes Nest serves under /scim/v2 (the document excludes them), in the document's form. */
export function scimOperations(app: NestFastifyApplication): FuzzOperation[] {
  const out: FuzzOperation[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      if (!base.replace(/^\//, '').startsWith('scim/v2')) continue;
      for (const key of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[key];
        if (typeof handler !== 'function' || key === 'constructor') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        if (!method) continue;
        const template = `/${[base, path]
          .map((p) => p.replace(/^\/|\/$/g, ''))
          .filter(Boolean)
          .join('/')}`.replace(/:(\w+)/g, '{$1}');
        const pathParams = [...template.matchAll(/\{(\w+)\}/g)].map(([, name]): Parameter => ({
          name: name!,
          in: 'path',
          required: true,
        }));
        const isResource = /^\/scim\/v2\/(Users|Groups)/.test(template);
        const query = [
          ...(isResource && method === 'GET' && pathParams.length === 0 ? SCIM_LIST_PARAMS : []),
          ...(isResource && method !== 'DELETE' ? SCIM_PROJECTION_PARAMS : []),
        ].map((name): Parameter => ({ name, in: 'query', schema: { type: 'string' } }));
        out.push({
          name: `${method} ${template}`,
          method,
          template,
          scim: true,
          credential: 'scim',
          pathParams,
          queryParams: query,
          ...(['POST', 'PUT', 'PATCH'].includes(method) ? { body: { type: 'object' } } : {}),
          bodyRequired: ['POST', 'PUT', 'PATCH'].includes(method),
          undeclaredMethods: [],
        });
      }
    }
  }
  for (const op of out) {
    const served = out.filter((o) => o.template === op.template).map((o) => o.method);
    op.undeclaredMethods = PROBE_METHODS.filter((m) => !served.includes(m));
  }
  return out;
}
