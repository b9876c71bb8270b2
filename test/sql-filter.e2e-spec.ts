import pg from 'pg';
import { allowedQuery, buildAbility, toSqlFilter, type PermissionRule } from '#policy';

/**
 * libs/policy's toSqlFilter against the real PostgreSQL: for sample catalog rows and rule sets,
 * the SQL answer is a superset of what CASL's ability.can() accepts, and exactly that for the
 * operators it translates exactly.
 */
interface Row {
  type: string;
  id: string;
  ownerMemberId?: string;
  teamId?: string;
  properties: Record<string, unknown>;
}

const OWNER = '0190c0de-0000-7000-8000-000000000001';
const TEAM = '0190c0de-0000-7000-8000-000000000002';

const ROWS: Row[] = [
  {
    type: 'doc',
    id: 'a',
    properties: { m: 5, s: 'a', tag: 'x', n: 5, tags: ['x', 'y'], o: { k: 'v' } },
  },
  {
    type: 'doc',
    id: 'b',
    properties: { m: 101, s: ['c', 'a'], tag: 'y', n: 101, tags: [], o: { k: 1 } },
  },
  { type: 'doc', id: 'c', properties: { tag: null, n: '101', tags: ['y'] } },
  { type: 'doc', id: 'd', properties: {}, ownerMemberId: OWNER },
  {
    type: 'doc',
    id: 'e',
    properties: { m: [1, 50], s: 'b', n: [1, 50], tag: ['x'], o: [{ k: 'v' }] },
    teamId: TEAM,
  },
  { type: 'doc', id: 'f', properties: { n: true, tag: 'X', tags: ['x', 'y', 'z'], o: 'str' } },
  {
    type: 'doc',
    id: 'g',
    properties: { m: -3.5, s: 'B', n: -3.5, items: [{ k: 'v', n: 2 }, { k: 'w' }, 3] },
  },
  { type: 'doc', id: 'h', properties: { m: 0, s: 'é', tag: 'é', n: 0, o: { k: { deep: true } } } },
  { type: 'doc', id: 'weird"\'\\id', properties: { 'odd.key': 1, "it's": 'q' } },
];

/** What a catalog entry presents to CASL (the catalog's attributes shape). */
function subjectOf(row: Row): Record<string, unknown> {
  return {
    ...row.properties,
    ...(row.ownerMemberId ? { ownerMemberId: row.ownerMemberId } : {}),
    ...(row.teamId ? { teamId: row.teamId } : {}),
    id: row.id,
    type: row.type,
  };
}

/** Conditions whose translation is exact: the SQL answers exactly CASL's rows. */
const EXACT: Record<string, unknown>[] = [
  { tag: 'x' },
  { tag: { $eq: 'x' } },
  { tag: { $ne: 'x' } },
  { tag: null },
  { tag: { $ne: null } },
  { n: 101 },
  { n: '101' },
  { n: { $in: [5, '101', true] } },
  { n: { $nin: [5, 101] } },
  { tag: { $in: [null] } },
  { tag: { $in: [] } },
  { m: { $gt: 4 } },
  { m: { $gte: 5 } },
  { m: { $lt: 5 } },
  { m: { $lte: 0 } },
  { s: { $gt: 'b' } },
  { s: { $lte: 'b' } },
  { tag: { $exists: true } },
  { tag: { $exists: false } },
  { ownerMemberId: { $exists: true } },
  { ownerMemberId: OWNER },
  { teamId: { $ne: TEAM } },
  { teamId: null },
  { id: 'a' },
  { id: { $in: ['a', 'b', 'weird"\'\\id'] } },
  { id: { $nin: ['a'] } },
  { id: { $gt: 'c' } },
  { id: { $lte: 'c' } },
  { type: 'doc' },
  { tags: { $size: 2 } },
  { tags: { $size: 0 } },
  { tags: { $all: ['x', 'y'] } },
  { tags: { $all: [] } },
  { items: { $elemMatch: { k: 'v', n: { $gte: 2 } } } },
  { items: { $elemMatch: { k: 'w' } } },
  { "it's": 'q' },
  { tag: 'x', m: { $lt: 100 } },
];

/** Conditions CASL coerces or walks arrays for: the SQL may answer more, never fewer. */
const WIDENED: Record<string, unknown>[] = [
  // A dotted path whose parent is missing or no object: CASL stops or walks arrays.
  { 'o.k': { $exists: false } },
  { 'o.k.deep': true },
  { 'o.k': { $ne: 'v' } },
  { n: { $gt: 4 } },
  { n: { $gte: 5 } },
  { n: { $lt: 5 } },
  { n: { $lte: 0 } },
  { n: { $gt: 100 } },
  { n: { $lt: 200 } },
  { tag: { $gt: 'a' } },
  { 'o.k': 'v' },
  { o: { k: 'v' } },
  { tags: ['x', 'y'] },
  { n: { $mod: [2, 0] } },
  { tag: { $regex: '^x' } },
  { items: { $elemMatch: { $gt: 2 } } },
  { 'odd.key': 1 },
];

const RULE_SETS: { name: string; rules: PermissionRule[]; exact: boolean }[] = [];
for (const conditions of EXACT) {
  RULE_SETS.push({
    name: `allow ${JSON.stringify(conditions)}`,
    rules: [{ action: 'read', subject: 'doc', conditions }],
    exact: true,
  });
  RULE_SETS.push({
    name: `forbid ${JSON.stringify(conditions)}`,
    rules: [
      { action: 'read', subject: 'doc' },
      { action: 'read', subject: 'doc', conditions, inverted: true },
    ],
    exact: true,
  });
}
for (const conditions of WIDENED) {
  RULE_SETS.push({
    name: `allow (widened) ${JSON.stringify(conditions)}`,
    rules: [{ action: 'read', subject: 'doc', conditions }],
    exact: false,
  });
  RULE_SETS.push({
    name: `forbid (widened) ${JSON.stringify(conditions)}`,
    rules: [
      { action: 'read', subject: 'doc' },
      { action: 'read', subject: 'doc', conditions, inverted: true },
    ],
    exact: false,
  });
}
RULE_SETS.push(
  {
    name: 'two allows and a forbid',
    rules: [
      { action: 'read', subject: 'doc', conditions: { tag: 'x' } },
      { action: 'read', subject: 'doc', conditions: { n: { $gte: 100 } } },
      { action: 'read', subject: 'doc', conditions: { id: 'e' }, inverted: true },
    ],
    exact: false,
  },
  { name: 'nothing', rules: [{ action: 'read', subject: 'other' }], exact: true },
  { name: 'everything', rules: [{ action: 'read', subject: 'doc' }], exact: true },
);

describe('toSqlFilter against PostgreSQL and CASL', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    await client.query(
      'CREATE TEMP TABLE catalog (type text, id text, owner_member_id uuid, team_id uuid, properties jsonb)',
    );
    for (const r of ROWS)
      await client.query('INSERT INTO catalog VALUES ($1, $2, $3, $4, $5)', [
        r.type,
        r.id,
        r.ownerMemberId ?? null,
        r.teamId ?? null,
        JSON.stringify(r.properties),
      ]);
  });
  afterAll(async () => {
    await client.end();
  });

  async function sqlIds(query: Record<string, unknown> | null): Promise<string[]> {
    const params: unknown[] = [];
    const where = toSqlFilter(query, {
      column: (field) => {
        if (field === 'id' || field === 'type') return { kind: 'text', sql: field };
        if (field === 'ownerMemberId') return { kind: 'text', sql: 'owner_member_id::text' };
        if (field === 'teamId') return { kind: 'text', sql: 'team_id::text' };
        return { kind: 'jsonb', sql: 'properties' };
      },
      param: (value) => {
        params.push(value);
        return `$${params.length}`;
      },
    });
    const result = await client.query<{ id: string }>(
      `SELECT id FROM catalog WHERE ${where} ORDER BY id COLLATE "C"`,
      params,
    );
    return result.rows.map((r) => r.id);
  }

  it.each(RULE_SETS.map((s) => [s.name, s] as const))('%s', async (_name, set) => {
    const ability = buildAbility(set.rules);
    const query = allowedQuery(ability, 'read', 'doc');
    const casl = ROWS.filter((r) => ability.can('read', subjectOf(r)))
      .map((r) => r.id)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const sql = await sqlIds(query);
    for (const id of casl) expect(sql).toContain(id);
    if (set.exact) expect(sql).toEqual(casl);
  });

  it('answers FALSE for null and TRUE for {} without parameters', () => {
    const ctx = {
      column: () => ({ kind: 'jsonb' as const, sql: 'p' }),
      param: () => {
        throw new Error('no parameter expected');
      },
    };
    expect(toSqlFilter(null, ctx)).toBe('FALSE');
    expect(toSqlFilter({}, ctx)).toBe('TRUE');
  });

  it('never puts a field name or value into the SQL text', () => {
    const hostile = `x'); DROP TABLE catalog; --`;
    const params: unknown[] = [];
    const sql = toSqlFilter(
      { $or: [{ [hostile]: hostile }, { [`${hostile}.b`]: { $gt: hostile } }] },
      {
        column: () => ({ kind: 'jsonb', sql: 'properties' }),
        param: (v) => {
          params.push(v);
          return `$${params.length}`;
        },
      },
    );
    expect(sql).not.toContain('DROP');
    expect(params.length).toBeGreaterThan(0);
  });
});
