import { writeFileSync } from 'node:fs';
import { startTestApp, type TestApp } from './support/app.js';
import { fingerprintDiff, fingerprinter, seedFuzzFixtures } from './support/fuzz-fixtures.js';
import { mutationsOf } from './support/fuzz-mutations.js';
import {
  documentOperations,
  scimOperations,
  type FuzzDocument,
  type FuzzOperation,
} from './support/fuzz-operations.js';
import { answerProblem, send, type FuzzResponse } from './support/fuzz-transport.js';
import { fuzzSeed, random } from './support/fuzz-values.js';

/** FUZZ_SCALE=<n> multiplies the requests of each operation, for a longer hunt. */
const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE) || 1);
/** At most this many requests in all (each operation gets its share, at least one). */
const MAX_REQUESTS = 4_000 * SCALE;
/** The share of refused writes (4xx but 401, 403, 429) checked to have changed nothing. */
const FINGERPRINT_SHARE = 0.12;
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

interface Failure {
  operation: string;
  mutation: string;
  problem: string;
  status: number;
  body: string;
  cause: string;
  where: string;
  log?: string;
}

/** Deletes and sign-outs last (deepest paths first), so they do not remove what others use. */
function attackOrder(ops: FuzzOperation[]): FuzzOperation[] {
  const rank = (op: FuzzOperation) =>
    op.method === 'DELETE' ? 2 : /logout|revoke/.test(op.template) ? 1 : 0;
  return [...ops].sort(
    (a, b) => rank(a) - rank(b) || (rank(a) === 2 ? b.template.length - a.template.length : 0),
  );
}

const normalize = (s: string) =>
  s
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+/g, 'N')
    .slice(0, 160);

/** What went wrong, to group failures by (the logged error), and where (its first frames). */
function causeOf(
  t: TestApp,
  res: FuzzResponse,
  problem: string,
): { cause: string; where: string; log?: string } {
  const body = ((typeof res.body === 'object' && res.body) || {}) as Record<string, unknown>;
  if (res.status >= 500) {
    const errorId =
      (typeof body.errorId === 'string' ? body.errorId : undefined) ??
      /error id ([0-9a-f-]{36})/.exec(typeof body.detail === 'string' ? body.detail : '')?.[1];
    const line = errorId
      ? t.logs.find((l) => l.includes(errorId) && l.includes('stack'))
      : undefined;
    if (line) {
      const message = /"message":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? '?';
      const ours = /(?:apps|libs)\/[\w/.-]+\.[jt]s:\d+/.exec(line)?.[0];
      // Else the first frame, by file (source maps put node_modules sources in odd places).
      const first = /\\n\s+at (?:[^\\]*?\()?(?:[^()\\]*\/)?([^/()\\]+:\d+):\d+/.exec(line)?.[1];
      return {
        cause: `${res.status} ${normalize(message)}`,
        where: ours ?? first ?? '?',
        ...(process.env.FUZZ_REPORT ? { log: line.slice(0, 1500) } : {}),
      };
    }
    return {
      cause: `${res.status} ${normalize(typeof body.detail === 'string' ? body.detail : res.text)}`,
      where: '?',
    };
  }
  if (res.status < 400) return { cause: problem.replace(/ with \d+/, ''), where: '' };
  const shape = typeof res.body === 'object' && res.body ? Object.keys(res.body).join(',') : 'text';
  return { cause: `${problem}: ${res.status} {${shape}}`, where: '' };
}

function report(seed: number, failures: Failure[]): string {
  const groups = new Map<string, Failure[]>();
  for (const f of failures) groups.set(f.cause, [...(groups.get(f.cause) ?? []), f]);
  const lines = [
    `${failures.length} bad answers in ${groups.size} causes; replay with FUZZ_SEED=${seed}`,
  ];
  const few = (items: string[], n: number) =>
    `${items.slice(0, n).join(', ')}${items.length > n ? `, … (${items.length})` : ''}`;
  for (const [cause, list] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
    const ops = [...new Set(list.map((f) => f.operation))];
    const where = [...new Set(list.map((f) => f.where).filter(Boolean))];
    const kinds = [...new Set(list.map((f) => f.mutation.replace(/ ?=.*| at .*/, '')))];
    const example = list[0]!;
    lines.push(
      `- ${cause}: ${list.length}x${where.length ? ` at ${few(where, 6)}` : ''}`,
      `    operations: ${few(ops, 4)}`,
      `    mutations: ${few(kinds, 6)}`,
      `    e.g. ${example.operation} | ${example.mutation} | ${example.problem} | ${example.status} ${example.body}`,
    );
  }
  return lines.join('\n');
}

/**
 * Hostile input on every route: generated from the server's own /openapi.json and its SCIM
 * routes, so a new route is attacked without an edit here. Each operation is called with its
 * credential and real ids, then with one change at a time (wrong types, missing fields, 100 KB
 * strings, depth 10,000, NUL and lone surrogates, bad ids and cursors, prototype keys, other
 * content types, repeated query parameters, bytes only a raw socket sends). No answer may be a
 * 5xx; every error is problem+json with a code (the SCIM error body under /scim/v2); and a
 * seeded sample of refused writes is checked against the database to have changed nothing.
 *
 * FUZZ_SEED=<n> replays a run; the seed is printed with the summary and with any failure.
 */
describe('the server under generated hostile input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      LOG_LEVEL: 'warn',
      // Sign-up and sign-in hash passwords: the cheapest settings allowed, no lockout in the way.
      ARGON2_MEMORY_KIB: '8192',
      ARGON2_ITERATIONS: '1',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000',
      LOGIN_MAX_FAILURES_PER_IP: '100000',
      // Rate limits per address: every request here comes from 127.0.0.1.
      SIGNUP_RATE_LIMIT: '100000',
      INVITATION_RATE_LIMIT: '100000',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it(
    'answers every mutated request of every operation without a 5xx, in its error format, changing nothing it refuses',
    async () => {
      const started = Date.now();
      const seed = fuzzSeed();
      const rnd = random(seed);
      const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      const operations = attackOrder([
        ...documentOperations(document as FuzzDocument),
        ...scimOperations(t.app),
      ]);
      const fixtures = await seedFuzzFixtures(t);
      const fingerprint = await fingerprinter(t);
      // The fingerprint sees a change: else "nothing changed" below would prove nothing.
      const unchanged = await fingerprint();
      await t.sql('UPDATE tenants SET name = name || $2 WHERE id = $1', [
        fixtures.otherTenantId,
        '.',
      ]);
      expect(fingerprintDiff(unchanged, await fingerprint()).map((d) => d.split(' ')[0])).toEqual([
        'tenants',
      ]);

      const failures: Failure[] = [];
      const requestsOf = new Map(operations.map((op) => [op.name, 0]));
      const classes: Record<string, number> = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
      let requests = 0;
      let fingerprinted = 0;
      const healed: string[] = [];

      for (const [index, op] of operations.entries()) {
        const share = Math.max(
          1,
          Math.floor((MAX_REQUESTS - requests) / (operations.length - index)),
        );
        const mutations = mutationsOf(op, fixtures, rnd, SCALE);
        // Over its share: keep the baseline (last) and a seeded sample of the rest.
        const chosen =
          mutations.length <= share
            ? mutations
            : [...rnd.sample(mutations.slice(0, -1), share - 1), mutations[mutations.length - 1]!];
        for (const m of chosen) {
          const check = WRITES.includes(op.method) && rnd.chance(FINGERPRINT_SHARE);
          const before = check ? await fingerprint() : undefined;
          const res = await send(t, m.request);
          requests += 1;
          requestsOf.set(op.name, (requestsOf.get(op.name) ?? 0) + 1);
          classes[`${String(res.status).charAt(0)}xx`] =
            (classes[`${String(res.status).charAt(0)}xx`] ?? 0) + 1;
          const fail = (problem: string) =>
            failures.push({
              operation: op.name,
              mutation: m.name,
              problem,
              status: res.status,
              body: res.text.slice(0, 400),
              ...causeOf(t, res, problem),
            });
          const problem = answerProblem(m.request, res);
          if (problem) fail(problem);
          else if (m.mustRefuse && res.status < 400)
            fail(`accepted with ${res.status}: ${m.mustRefuse}`);
          else if (before && res.status >= 400 && ![401, 403, 429].includes(res.status)) {
            fingerprinted += 1;
            const changed = fingerprintDiff(before, await fingerprint());
            if (changed.length > 0)
              fail(`refused with ${res.status} but changed ${changed.join(', ')}`);
          }
        }
        if (WRITES.includes(op.method)) healed.push(...(await fixtures.heal()));
      }

      const uncovered = [...requestsOf].filter(([, n]) => n === 0).map(([name]) => name);
      const scim = operations.filter((op) => op.scim).length;
      console.log(
        `fuzz: seed ${seed}, ${requests} requests, ${operations.length - uncovered.length}/${operations.length} operations ` +
          `(${operations.length - scim} from /openapi.json, ${scim} SCIM), ` +
          `2xx ${classes['2xx']}, 4xx ${classes['4xx']}, 5xx ${classes['5xx']}` +
          `${classes['3xx'] || classes['0xx'] ? `, other ${(classes['3xx'] ?? 0) + (classes['0xx'] ?? 0)}` : ''}, ` +
          `${fingerprinted} refused writes checked unchanged, ${failures.length} bad answers, ` +
          `${((Date.now() - started) / 1000).toFixed(1)} s` +
          (healed.length ? `; re-made ${[...new Set(healed)].join(', ')}` : ''),
      );
      expect(uncovered).toEqual([]);
      if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, JSON.stringify(failures));
      if (failures.length > 0) throw new Error(report(seed, failures));
    },
    120_000 * SCALE,
  );
});
