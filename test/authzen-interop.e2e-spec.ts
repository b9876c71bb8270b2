import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/app.js';
import {
  conformance,
  CONFORMANCE_DIR,
  setUpSearch,
  setUpTodo,
  SHARED_CONFORMANCE_DIR,
  type Scenario,
} from './support/authzen.js';

/**
 * Our runner for the AuthZEN interop scenarios: every case of the Todo decisions (single and
 * batch) and of the search scenario (subjects, resources, actions), against a tenant set up
 * through the public API only. Search results are compared as sets, following page tokens.
 */
interface Case<E> {
  request: Record<string, unknown>;
  expected: E;
}

describe('AuthZEN interop scenarios', () => {
  let t: TestApp;
  let todo: Scenario;
  let search: Scenario;
  beforeAll(async () => {
    t = await startTestApp();
    todo = await setUpTodo(t);
    search = await setUpSearch(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const call = (s: Scenario, path: string, body: unknown) =>
    t.request('POST', `/api/v1/tenants/${s.tenantId}/access/v1/${path}`, { token: s.key, body });

  const single = conformance<{ evaluation: Case<boolean>[] }>(
    'todo/decisions-authorization-api-1_0-01.json',
  );
  it.each(single.evaluation.map((c, i) => [i, c] as const))(
    'todo 01 evaluation #%i',
    async (_i, c) => {
      const res = await call(todo, 'evaluation', c.request);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ decision: c.expected });
    },
  );

  const batch = conformance<{
    evaluation: Case<boolean>[];
    evaluations: Case<{ decision: boolean }[]>[];
  }>('todo/decisions-authorization-api-1_0-02.json');
  it.each(batch.evaluation.map((c, i) => [i, c] as const))(
    'todo 02 evaluation #%i',
    async (_i, c) => {
      const res = await call(todo, 'evaluation', c.request);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ decision: c.expected });
    },
  );
  it.each(batch.evaluations.map((c, i) => [i, c] as const))(
    'todo 02 evaluations #%i',
    async (_i, c) => {
      const res = await call(todo, 'evaluations', c.request);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ evaluations: c.expected });
    },
  );

  /** Every page of a search, its results gathered. */
  async function searchAll(kind: string, request: Record<string, unknown>) {
    const results: Record<string, unknown>[] = [];
    let token: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const res = await call(search, `search/${kind}`, {
        ...request,
        ...(token ? { page: { token } } : {}),
      });
      expect(res.status).toBe(200);
      results.push(...res.body.results);
      token = res.body.page?.next_token;
      if (!token) return results;
    }
    throw new Error('the search did not end in 50 pages');
  }
  const key = (r: Record<string, unknown>) => JSON.stringify([r.type, r.id, r.name]);
  const sorted = (list: Record<string, unknown>[]) =>
    list
      .map((r) => ({ ...(r.type ? { type: r.type, id: r.id } : { name: r.name }) }))
      .sort((a, b) => (key(a) < key(b) ? -1 : 1));

  for (const kind of ['subject', 'resource', 'action'] as const) {
    const cases = conformance<{ evaluation: Case<{ results: Record<string, unknown>[] }>[] }>(
      `search/${kind}-results.json`,
    ).evaluation;
    it.each(cases.map((c, i) => [i, c] as const))(`search ${kind} #%i`, async (_i, c) => {
      const results = await searchAll(kind, c.request);
      expect(sorted(results)).toEqual(sorted(c.expected.results));
    });
  }

  it('runs the same data as the shared copy, where there is one', () => {
    if (!existsSync(SHARED_CONFORMANCE_DIR)) return;
    for (const file of [
      'todo/decisions-authorization-api-1_0-01.json',
      'todo/decisions-authorization-api-1_0-02.json',
      'search/users.json',
      'search/records.json',
      'search/subject-results.json',
      'search/resource-results.json',
      'search/action-results.json',
    ])
      expect(readFileSync(join(CONFORMANCE_DIR, file), 'utf8')).toBe(
        readFileSync(join(SHARED_CONFORMANCE_DIR, file), 'utf8'),
      );
  });
});
