import type { RequestMeta } from '../common/principal.js';
import type { ListParams, Projection, ScimResource } from './scim-protocol.js';
import type { ScimCaller } from './scim-tokens.service.js';

/** A change to one resource (PUT or PATCH); `ifMatch` is the If-Match header (RFC 7644 §3.14). */
export type ResourceChange = (
  caller: ScimCaller,
  id: string,
  body: unknown,
  ifMatch: string | undefined,
  meta: RequestMeta,
) => Promise<ScimResource>;

/**
 * What one SCIM resource type (Users, Groups) does behind the shared controller
 * (scim-resource.controller.ts). The controller parses and checks every request input first and
 * then calls exactly one of these; an adapter never sees the query string or the reply.
 */
export interface ScimResourceAdapter {
  /**
   * What a successful PATCH answers (RFC 7644 §3.5.2 allows both): `resource`, 200 with the
   * resource (Okta reads the user back from it); `noContentUnlessProjected`, 204 (what Entra ID
   * expects of a group PATCH) unless `attributes` or `excludedAttributes` is asked, then 200.
   */
  readonly patchAnswer: 'resource' | 'noContentUnlessProjected';

  /** One ListResponse page (the projection is in the params and applied by the adapter). */
  list(caller: ScimCaller, params: ListParams): Promise<ScimResource>;
  /** The full resource; `projection` says what will be shown, so costly parts may be skipped. */
  get(caller: ScimCaller, id: string, projection: Projection): Promise<ScimResource>;
  /** The resource as asked for (attributes / excludedAttributes). */
  shape(resource: ScimResource, projection: Projection): ScimResource;
  create(caller: ScimCaller, body: unknown, meta: RequestMeta): Promise<ScimResource>;
  /** PUT: the body replaces the resource. */
  replace: ResourceChange;
  /** PATCH: the body's operations apply to the resource. */
  patch: ResourceChange;
  remove(
    caller: ScimCaller,
    id: string,
    ifMatch: string | undefined,
    meta: RequestMeta,
  ): Promise<void>;
}
