import type { TestApp } from './app.js';

let counter = 0;

/** A tenant with a unique name, created by the operator. */
export async function createTenant(
  t: TestApp,
  body: Record<string, unknown> = {},
): Promise<{ id: string; slug: string; name: string }> {
  counter += 1;
  const res = await t.request('POST', '/api/v1/tenants', {
    body: { name: `Tenant ${process.pid}-${Date.now()}-${counter}`, ...body },
  });
  if (res.status !== 201) throw new Error(`tenant not created: ${res.status} ${res.text}`);
  return res.body;
}

/** A tenant API key with the given role; returns the full key (shown once) and its id. */
export async function createKey(
  t: TestApp,
  tenantId: string,
  role = 'admin',
  token?: string,
): Promise<{ id: string; key: string; prefix: string }> {
  const res = await t.request('POST', `/api/v1/tenants/${tenantId}/api-keys`, {
    body: { name: `${role} key`, role },
    ...(token ? { token } : {}),
  });
  if (res.status !== 201) throw new Error(`key not created: ${res.status} ${res.text}`);
  return res.body;
}

export function expectProblem(
  res: { status: number; headers: Headers; body: any },
  status: number,
  code: string,
): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
}
