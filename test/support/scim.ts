import type { Response, TestApp } from './app.js';
import { createTenant } from './fixtures.js';

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface ScimClient {
  tenantId: string;
  token: string;
  tokenId: string;
  request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response<T>>;
}

/** A SCIM token of a tenant (created by the operator); defaults to a new tenant. */
export async function scimClient(
  t: TestApp,
  options: { tenantId?: string; settings?: Record<string, unknown> } = {},
): Promise<ScimClient> {
  const tenantId =
    options.tenantId ??
    (await createTenant(t, { settings: { maxMembers: 100_000, ...options.settings } })).id;
  const res = await t.request('POST', `/api/v1/tenants/${tenantId}/scim-tokens`, {
    body: { name: 'Entra ID' },
  });
  if (res.status !== 201) throw new Error(`token not created: ${res.status} ${res.text}`);
  const token = res.body.token as string;
  return {
    tenantId,
    token,
    tokenId: res.body.id,
    request: (method, path, body, headers = {}) =>
      t.request(method, `/scim/v2${path}`, {
        token,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { raw: JSON.stringify(body) } : {}),
      }),
  };
}

export function patchOp(...operations: Record<string, unknown>[]) {
  return { schemas: [PATCH_OP], Operations: operations };
}

export function user(userName: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [USER],
    userName,
    active: true,
    emails: [
      {
        primary: true,
        type: 'work',
        value: userName.includes('@') ? userName : `${userName}@example.com`,
      },
    ],
    ...extra,
  };
}

/** A SCIM error answer: status, RFC 7644 body and content type. */
export function expectScimError(res: Response, status: number, scimType?: string): void {
  expect({ status: res.status, scimType: res.body?.scimType }).toEqual({ status, scimType });
  expect(res.headers.get('content-type')).toContain('application/scim+json');
  expect(res.body).toMatchObject({
    schemas: [ERROR],
    status: String(status),
    detail: expect.any(String),
  });
}
