import { createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import { startTestApp, type TestApp } from './support/app.js';

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
  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.request('GET', '/openapi.json', { token: null });
    expect(res.status).toBe(200);
    source = res.text;
    const document = res.body as { paths: Record<string, Record<string, Operation>> };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
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
      .filter(([, op]) =>
        Object.entries(op.responses).every(
          ([status, response]) =>
            !status.startsWith('2') ||
            (status !== '204' && !response.content?.['application/json']?.schema),
        ),
      )
      .map(([name]) => name);
    expect(untyped).toEqual([]);
  });

  it('says which operations need no credential, and describes errors as problem+json', () => {
    const open = operations.filter(([, op]) => op.security?.length === 0).map(([name]) => name);
    expect(open.sort()).toEqual(
      [
        'get /.well-known/jwks.json',
        'get /api/v1/invitations/{token}',
        'get /health/live',
        'get /health/ready',
        'post /api/v1/auth/login',
        'post /api/v1/auth/refresh',
        'post /api/v1/auth/signup',
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
});
