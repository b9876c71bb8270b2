import type { ResourceSchema } from '#scim';
import type { RequestMeta } from '../common/principal.js';
import type { ListParams, Projection, ScimResource } from './scim-protocol.js';
import type { ScimCaller } from './scim-tokens.service.js';

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
  /** The schema that bodies are normalized, patched and projected with. */
  readonly resourceType: ResourceSchema;

  /** One ListResponse page (the projection is in the params and applied by the adapter). */
  list(caller: ScimCaller, params: ListParams): Promise<ScimResource>;
  /** The full resource; `projection` says what will be shown, so costly parts may be skipped. */
  get(caller: ScimCaller, id: string, projection: Projection): Promise<ScimResource>;
  create(caller: ScimCaller, body: unknown, meta: RequestMeta): Promise<ScimResource>;
  /**
   * PUT and PATCH: `next` turns the current representation into the new one (the body that
   * replaces it, or the body's operations applied to it), run under the resource's lock so that
   * concurrent changes never lose one another; `ifMatch` is checked there (RFC 7644 §3.14).
   */
  update(
    caller: ScimCaller,
    id: string,
    ifMatch: string | undefined,
    meta: RequestMeta,
    next: (current: ScimResource) => ScimResource,
  ): Promise<ScimResource>;
  remove(
    caller: ScimCaller,
    id: string,
    ifMatch: string | undefined,
    meta: RequestMeta,
  ): Promise<void>;
}
