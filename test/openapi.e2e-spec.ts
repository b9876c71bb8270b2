import { createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import { OPERATOR_KEY, startTestApp, type RequestOptions, type TestApp } from './support/app.js';
import {
  conformance,
  responseSchema,
  type OpenApiDocument,
} from './support/openapi-conformance.js';
import { linkTokenFor } from './support/mail.js';
import { authenticator, login } from './support/users.js';

type Operation = {
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};

/**
 * Warnings left on purpose: these operations have no 4xx answer to declare (liveness, readiness
 * answers 503, the JWKS is a static document). Any other warning, and every error, fails.
 */
const ACCEPTED_WARNINGS = [
  'operation-4xx-response #/paths/~1health~1live/get/responses',
  'operation-4xx-response #/paths/~1health~1ready/get/responses',
  'operation-4xx-response #/paths/~1.well-known~1jwks.json/get/responses',
  // Sign-in redirects: a browser navigation answered with 302, never a 2xx.
  ...['google', 'microsoft', 'oidc~1{connectionId}'].flatMap((p) => [
    `operation-2xx-response #/paths/~1api~1v1~1auth~1sso~1${p}/get/responses`,
    `operation-2xx-response #/paths/~1api~1v1~1auth~1sso~1${p}~1callback/get/responses`,
  ]),
];

function describeProblem(p: NormalizedProblem): string {
  return `${p.ruleId} ${p.location[0]?.pointer ?? ''}`;
}

/**
 * The admin console is generated from /openapi.json: it must lint clean with the recommended
 * rules (`npx redocly lint` says the same) and give every operation a typed answer.
 */
describe('the OpenAPI document', () => {
  let t: TestApp;
  let source: string;
  let operations: [string, Operation][];
  let document: OpenApiDocument;
  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.request('GET', '/openapi.json', { token: null });
    expect(res.status).toBe(200);
    source = res.text;
    document = res.body as OpenApiDocument;
    const paths = res.body as { paths: Record<string, Record<string, Operation>> };
    operations = Object.entries(paths.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]): [string, Operation] => [`${method} ${path}`, op]),
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it('passes redocly lint with the recommended rules: no error, no unreviewed warning', async () => {
    const problems = await lintFromString({
      source,
      absoluteRef: 'openapi.json',
      config: await createConfig({ extends: ['recommended'] }),
    });
    const active = problems.filter((p) => !p.ignored);
    const errors = active.filter((p) => p.severity === 'error').map(describeProblem);
    const warnings = active.filter((p) => p.severity === 'warn').map(describeProblem);
    expect(errors).toEqual([]);
    expect(warnings.sort()).toEqual([...ACCEPTED_WARNINGS].sort());
  });

  it('gives every operation a success response with a schema, or 204', () => {
    const untyped = operations
      // A sign-in redirect answers 302 only.
      .filter(([, op]) => !('302' in op.responses))
      .filter(([, op]) =>
        Object.entries(op.responses).every(
          ([status, response]) =>
            !status.startsWith('2') ||
            (status !== '204' &&
              // JSON, or another media type with its schema (the audit export's text/csv)
              !Object.values(response.content ?? {}).some((media) => media.schema)),
        ),
      )
      .map(([name]) => name);
    expect(untyped).toEqual([]);
  });

  it('says which operations need no credential, and describes errors as problem+json', () => {
    const open = operations.filter(([, op]) => op.security?.length === 0).map(([name]) => name);
    expect(open.sort()).toEqual(
      [
        'get /.well-known/authzen-configuration/api/v1/tenants/{tenant}',
        'get /.well-known/jwks.json',
        'get /api/v1/invitations/{token}',
        'get /health/live',
        'get /health/ready',
        'post /api/v1/auth/login',
        'post /api/v1/auth/refresh',
        'post /api/v1/auth/signup',
        'post /api/v1/auth/verify-email',
        'post /api/v1/auth/password-reset',
        'post /api/v1/auth/password-reset/confirm',
        'get /api/v1/auth/providers',
        'get /api/v1/auth/sso/google',
        'get /api/v1/auth/sso/google/callback',
        'get /api/v1/auth/sso/microsoft',
        'get /api/v1/auth/sso/microsoft/callback',
        'get /api/v1/auth/sso/oidc/{connectionId}',
        'get /api/v1/auth/sso/oidc/{connectionId}/callback',
        'post /api/v1/auth/sso/exchange',
      ].sort(),
    );
    expect(operations.filter(([, op]) => op.security === undefined)).toEqual([]);
    const plainErrors = operations.flatMap(([name, op]) =>
      Object.entries(op.responses)
        .filter(([status, r]) => /^[45]/.test(status) && !r.content?.['application/problem+json'])
        .map(([status]) => `${name} ${status}`),
    );
    expect(plainErrors).toEqual([]);
    expect(source).not.toContain('x-public-operation');
    expect(source).not.toContain('/scim/v2');
  });

  /**
   * The DTO classes only describe what the services answer: this walks the API once as a client
   * would and checks every answer against the document (declared status, every required field,
   * types, enums, nullability, and no field the document leaves out).
   */
  it('describes what the server answers: every response of a walk through the API conforms', async () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    const call = async (
      method: string,
      path: string,
      expected: number,
      options: RequestOptions = {},
    ) => {
      const res = await t.request(method, path, options);
      const found = responseSchema(document, method, path, res.status);
      const name = `${method} ${found?.template ?? path} ${res.status}`;
      seen.add(`${method.toLowerCase()} ${found?.template ?? path}`);
      if (res.status !== expected) problems.push(`${name}: expected ${expected}: ${res.text}`);
      else if (!found?.schema) problems.push(`${name}: status not in the document`);
      else if (res.status === 204) {
        if (res.text !== '') problems.push(`${name}: a body on 204`);
      } else problems.push(...conformance(document, found.schema, res.body, name));
      return res;
    };
    const op = { token: OPERATOR_KEY };

    await call('GET', '/health/live', 200, { token: null });
    await call('GET', '/health/ready', 200, { token: null });
    await call('GET', '/.well-known/jwks.json', 200, { token: null });

    const tenant = (
      await call('POST', '/api/v1/tenants', 201, { ...op, body: { name: `Docs ${Date.now()}` } })
    ).body;
    const base = `/api/v1/tenants/${tenant.id}`;
    await call('GET', '/api/v1/tenants', 200, op);
    await call('GET', base, 200, op);
    await call('PATCH', base, 200, { ...op, body: { settings: { maxMembers: 20 } } });
    await call('GET', `${base}/limits`, 200, op);

    const key = (
      await call('POST', `${base}/api-keys`, 201, {
        ...op,
        body: { name: 'ci', role: 'developer' },
      })
    ).body;
    await call('GET', `${base}/api-keys`, 200, op);
    await call('DELETE', `${base}/api-keys/${key.id}`, 204, op);
    const scimToken = (
      await call('POST', `${base}/scim-tokens`, 201, { ...op, body: { name: 'idp' } })
    ).body;
    await call('GET', `${base}/scim-tokens`, 200, op);
    await call('DELETE', `${base}/scim-tokens/${scimToken.id}`, 204, op);

    const rules = [{ action: ['read'], subject: 'AuditEvent', conditions: { type: 'x' } }];
    await call('GET', `${base}/roles`, 200, op);
    await call('GET', `${base}/roles/admin`, 200, op);
    await call('POST', `${base}/roles`, 201, {
      ...op,
      body: { key: 'auditor', name: 'Auditor', permissions: rules },
    });
    await call('GET', `${base}/roles/auditor`, 200, op);
    await call('PATCH', `${base}/roles/auditor`, 200, { ...op, body: { name: 'Auditors' } });

    const team = (await call('POST', `${base}/teams`, 201, { ...op, body: { name: 'Backend' } }))
      .body;
    const sub = (
      await call('POST', `${base}/teams`, 201, {
        ...op,
        body: { name: 'API', parentTeamId: team.id },
      })
    ).body;
    await call('GET', `${base}/teams`, 200, op);
    await call('GET', `${base}/teams/${sub.id}`, 200, op);
    await call('PATCH', `${base}/teams/${sub.id}`, 200, { ...op, body: { description: 'REST' } });
    await call('PUT', `${base}/teams/${team.id}/permissions`, 200, {
      ...op,
      body: { permissions: rules },
    });
    await call('GET', `${base}/teams/${team.id}/permissions`, 200, op);

    const rule = (
      await call('POST', `${base}/access-rules`, 201, {
        ...op,
        body: { name: 'TEST-NET', effect: 'deny', ip: { cidrs: ['192.0.2.0/24'] } },
      })
    ).body;
    await call('GET', `${base}/access-rules`, 200, op);
    await call('GET', `${base}/access-rules/${rule.id}`, 200, op);
    await call('PUT', `${base}/access-rules/${rule.id}`, 200, {
      ...op,
      body: {
        name: 'TEST-NET at night',
        effect: 'deny',
        ip: { cidrs: ['192.0.2.0/24'] },
        time: { timezone: 'UTC', days: ['sat'], start: '22:00', end: '06:00' },
        appliesTo: { roles: ['guest'] },
      },
    });
    await call('DELETE', `${base}/access-rules/${rule.id}`, 204, op);

    const email = `docs.${Date.now()}@example.com`;
    const invited = (
      await call('POST', `${base}/invitations`, 201, {
        ...op,
        body: { email, username: 'docs', role: 'developer' },
      })
    ).body;
    await call('GET', `${base}/invitations`, 200, op);
    await call('GET', `${base}/invitations/${invited.id}`, 200, op);
    const resent = (await call('POST', `${base}/invitations/${invited.id}/resend`, 200, op)).body;
    const token = String(resent.inviteUrl).split('/invite/')[1] as string;
    await call('GET', `/api/v1/invitations/${token}`, 200, { token: null });

    await call('POST', '/api/v1/auth/signup', 202, {
      token: null,
      body: { email, password: 'correct horse battery staple', displayName: 'Docs' },
    });
    await call('POST', '/api/v1/auth/verify-email', 200, {
      token: null,
      body: { token: await linkTokenFor(t, email, '/verify-email') },
    });
    await call('POST', '/api/v1/auth/password-reset', 202, { token: null, body: { email } });
    await call('POST', '/api/v1/auth/password-reset/confirm', 204, {
      token: null,
      body: {
        token: await linkTokenFor(t, email, '/reset-password'),
        password: 'correct horse battery staple',
      },
    });
    await call('POST', '/api/v1/auth/verify-email', 400, {
      token: null,
      body: { token: `eml_abcdefghijkl_${'a'.repeat(43)}` },
    });
    const signedIn = await login(t, { email, password: 'correct horse battery staple' });
    const person = { token: signedIn.body.accessToken as string };
    await call('POST', '/api/v1/auth/refresh', 200, {
      token: null,
      body: { refreshToken: signedIn.body.refreshToken },
    });
    const accepted = (await call('POST', `/api/v1/invitations/${token}/accept`, 200, person)).body;
    const other = (
      await call('POST', `${base}/invitations`, 201, {
        ...op,
        body: { email: `other.${email}`, username: 'other', role: 'viewer' },
      })
    ).body;
    await call('POST', `${base}/invitations/${other.id}/revoke`, 200, op);

    await call('GET', `${base}/members`, 200, op);
    await call('GET', `${base}/members/${accepted.memberId}`, 200, op);
    await call('PATCH', `${base}/members/${accepted.memberId}`, 200, {
      ...op,
      body: { role: 'viewer' },
    });
    const addMember = { ...op, body: { memberId: accepted.memberId } };
    await call('POST', `${base}/teams/${team.id}/members`, 201, addMember);
    await call('POST', `${base}/teams/${team.id}/members`, 200, {
      ...op,
      body: { memberId: accepted.memberId, lead: true },
    });
    await call('GET', `${base}/teams/${team.id}/members`, 200, op);
    await call('GET', `${base}/members/${accepted.memberId}`, 200, op);
    await call('DELETE', `${base}/teams/${team.id}/members/${accepted.memberId}`, 204, op);

    const check = { memberId: accepted.memberId, action: 'read', subject: { type: 'Member' } };
    await call('POST', `${base}/authorize`, 200, { ...op, body: check });
    await call('POST', `${base}/authorize/batch`, 200, {
      ...op,
      body: { checks: [check, { ...check, action: 'delete' }] },
    });
    await call('GET', `${base}/audit-events`, 200, op);
    await call('GET', '/api/v1/outbox', 200, op);

    await call('GET', '/api/v1/me', 200, person);
    await call('PATCH', '/api/v1/me', 200, { ...person, body: { displayName: 'Docs Writer' } });
    await call('GET', '/api/v1/me/sessions', 200, person);
    await call('POST', '/api/v1/me/email/verification', 409, person);
    await call('GET', '/api/v1/me/security-events', 200, person);
    const personal = (
      await call('POST', '/api/v1/me/api-keys', 201, { ...person, body: { name: 'laptop' } })
    ).body;
    await call('GET', '/api/v1/me/api-keys', 200, person);
    await call('DELETE', `/api/v1/me/api-keys/${personal.id}`, 204, person);
    const enrolment = (await call('POST', '/api/v1/me/mfa/totp', 201, person)).body;
    await call('POST', '/api/v1/me/mfa/totp/confirm', 200, {
      ...person,
      body: { code: authenticator(String(enrolment.otpauthUri)).code() },
    });
    await call('POST', '/api/v1/organizations', 201, {
      ...person,
      body: { name: `Docs org ${Date.now()}` },
    });

    await call('DELETE', `${base}/teams/${sub.id}`, 204, op);
    await call('DELETE', `${base}/roles/auditor`, 204, op);
    await call('DELETE', `${base}/members/${accepted.memberId}`, 204, op);
    // Errors are problems too.
    // Another id for sure: changing the last digit to "0" is no change when it already is one.
    const unknown = accepted.memberId.replace(/.$/, (c: string) => (c === '0' ? '1' : '0'));
    await call('GET', `${base}/members/${unknown}`, 404, op);
    await call('POST', `${base}/teams`, 400, { ...op, body: { name: '' } });
    await call('GET', base, 401, { token: null });

    expect(problems).toEqual([]);
    // The walk covers most of the document; what it skips answers 204 or needs a second factor.
    expect(seen.size).toBeGreaterThanOrEqual(60);
  });
});
