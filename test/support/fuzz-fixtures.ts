import { OPERATOR_KEY, type TestApp } from './app.js';
import { createKey, createTenant } from './fixtures.js';
import type { Credential, FuzzOperation, Schema } from './fuzz-operations.js';
import { GROUP, patchOp, user } from './scim.js';
import { PASSWORD, signup } from './users.js';

/**
 * One seeded tenant with something behind every kind of path id (a member in a team, a custom
 * role, a pending invitation, an access rule, spare API keys, SCIM tokens, sessions, a SCIM user
 * and group), and the credentials to call each operation with. Spare objects stand in for the
 * ones an operation deletes, so a DELETE that goes through does not take a credential with it.
 */
export interface FuzzFixtures {
  tenantId: string;
  /** A second tenant: its id in the seeded tenant's paths must not reach its data. */
  otherTenantId: string;
  tokenFor(credential: Credential): string | null;
  /** The value of a path parameter (not encoded). */
  pathValue(op: FuzzOperation, param: string): string;
  /** A real id to build cursors and id-valued fields from. */
  anyId: string;
  /** A valid body for the operation, before mutation (undefined: it takes none). */
  baselineBody(op: FuzzOperation): unknown;
  /** Re-creates the credentials a request revoked or signed out; names what it re-made. */
  heal(): Promise<string[]>;
}

let unique = 0;
const next = () => `${Date.now().toString(36)}${(unique += 1)}`;

async function ok(t: TestApp, method: string, path: string, token: string | null, body?: unknown) {
  const res = await t.request(method, path, { token, ...(body !== undefined ? { body } : {}) });
  if (res.status >= 300) throw new Error(`fuzz seed: ${method} ${path} ${res.status} ${res.text}`);
  return res.body;
}

interface Person {
  email: string;
  accountId: string;
  accessToken: string;
}

async function newPerson(t: TestApp): Promise<Person> {
  const email = `fuzz.${next()}@example.com`;
  const signed = await signup(t, { email, password: PASSWORD, displayName: 'Fuzz' });
  const [row] = await t.sql('SELECT id FROM accounts WHERE email = $1', [email]);
  return { email, accountId: row.id, accessToken: signed.accessToken };
}

export async function seedFuzzFixtures(t: TestApp): Promise<FuzzFixtures> {
  const tenant = await createTenant(t, { settings: { maxMembers: 100_000 } });
  const T = tenant.id;
  const base = `/api/v1/tenants/${T}`;
  const otherTenantId = (await createTenant(t)).id;
  let adminKey = (await createKey(t, T, 'admin')).key;
  const spareKey = await createKey(t, T, 'viewer');

  // A member who joined through an invitation, in a team with a custom role.
  const memberPerson = await newPerson(t);
  const invite = await ok(t, 'POST', `${base}/invitations`, adminKey, {
    email: memberPerson.email,
    username: `member-${next()}`,
    role: 'developer',
  });
  const joined = await ok(
    t,
    'POST',
    `/api/v1/invitations/${String(invite.inviteUrl).split('/invite/')[1]}/accept`,
    memberPerson.accessToken,
  );
  const memberId = joined.memberId as string;
  const roleKey = 'fuzz-role';
  await ok(t, 'POST', `${base}/roles`, adminKey, {
    key: roleKey,
    name: 'Fuzz role',
    permissions: [{ action: 'read', subject: 'Member' }],
  });
  const team = await ok(t, 'POST', `${base}/teams`, adminKey, { name: `Team ${next()}` });
  await ok(t, 'POST', `${base}/teams/${team.id}/members`, adminKey, { memberId });
  // Pending, for someone else: the person below cannot accept it.
  const pending = await ok(t, 'POST', `${base}/invitations`, adminKey, {
    email: `pending.${next()}@example.com`,
    username: `pending-${next()}`,
    role: 'viewer',
  });
  const invitationToken = String(pending.inviteUrl).split('/invite/')[1] as string;
  const rule = await ok(t, 'POST', `${base}/access-rules`, adminKey, {
    name: 'TEST-NET',
    effect: 'deny',
    ip: { cidrs: ['192.0.2.0/24'] },
  });
  const newScimToken = async () =>
    ok(t, 'POST', `${base}/scim-tokens`, OPERATOR_KEY, { name: 'idp' });
  let scimToken = (await newScimToken()).token as string;
  const spareScimToken = await newScimToken();

  // The person /me routes run as, with a second session and a personal key to delete.
  let person = await newPerson(t);
  let spareSession = '';
  let personalKeyId = '';
  const personSpares = async () => {
    const login = await t.request('POST', '/api/v1/auth/login', {
      token: null,
      body: { email: person.email, password: PASSWORD },
    });
    if (login.status !== 200) throw new Error(`fuzz seed: login ${login.status} ${login.text}`);
    const [session] = await t.sql(
      'SELECT id FROM sessions WHERE account_id = $1 ORDER BY created_at DESC LIMIT 1',
      [person.accountId],
    );
    spareSession = session.id;
    personalKeyId = (await ok(t, 'POST', '/api/v1/me/api-keys', person.accessToken, { name: 'k' }))
      .id;
  };
  await personSpares();

  const scim = (method: string, path: string, body?: unknown) =>
    t.request(method, `/scim/v2${path}`, {
      token: scimToken,
      ...(body !== undefined
        ? { raw: JSON.stringify(body), headers: { 'content-type': 'application/scim+json' } }
        : {}),
    });
  const scimUserName = `scim.${next()}@example.com`;
  const scimUser = (await scim('POST', '/Users', user(scimUserName))).body.id as string;
  const scimGroupName = `Group ${next()}`;
  const scimGroup = (
    await scim('POST', '/Groups', {
      schemas: [GROUP],
      displayName: scimGroupName,
      members: [{ value: scimUser }],
    })
  ).body.id as string;
  const resourceType = (await scim('GET', '/ResourceTypes')).body.Resources?.[0]?.id ?? 'User';
  const schemaUrn = (await scim('GET', '/Schemas')).body.Resources?.[0]?.id ?? 'x';

  /** Keyed by the collection segment before the parameter; `me:` for the /me routes. */
  const ids = (): Record<string, string> => ({
    'tenants/{tenantId}': T,
    'members/{memberId}': memberId,
    'teams/{teamId}': team.id,
    'roles/{roleKey}': roleKey,
    'invitations/{invitationId}': pending.id,
    'invitations/{token}': invitationToken,
    'access-rules/{ruleId}': rule.id,
    'api-keys/{keyId}': spareKey.id,
    'me:api-keys/{keyId}': personalKeyId,
    'me:sessions/{sessionId}': spareSession,
    'scim-tokens/{tokenId}': spareScimToken.id,
    'Users/{id}': scimUser,
    'Groups/{id}': scimGroup,
    'ResourceTypes/{name}': resourceType,
    'Schemas/{urn}': schemaUrn,
  });
  const byName: Record<string, () => string> = {
    tenantId: () => T,
    memberId: () => memberId,
    membershipId: () => memberId,
    teamId: () => team.id,
    parentTeamId: () => team.id,
    apiKeyId: () => spareKey.id,
    keyId: () => spareKey.id,
    ruleId: () => rule.id,
    invitationId: () => pending.id,
    roleKey: () => roleKey,
    role: () => roleKey,
    id: () => memberId,
  };

  const scimBaselines: Record<string, () => unknown> = {
    'POST /scim/v2/Users': () => user(`scim.${next()}@example.com`),
    'PUT /scim/v2/Users/{id}': () => user(scimUserName, { displayName: 'Fuzz' }),
    'PATCH /scim/v2/Users/{id}': () =>
      patchOp({ op: 'replace', path: 'displayName', value: 'Fuzz' }),
    'POST /scim/v2/Groups': () => ({
      schemas: [GROUP],
      displayName: `Group ${next()}`,
      members: [{ value: scimUser }],
    }),
    'PUT /scim/v2/Groups/{id}': () => ({
      schemas: [GROUP],
      displayName: scimGroupName,
      members: [{ value: scimUser }],
    }),
    'PATCH /scim/v2/Groups/{id}': () =>
      patchOp({ op: 'add', path: 'members', value: [{ value: scimUser }] }),
  };

  const plausible = (schema: Schema, name: string, depth = 0): unknown => {
    if (depth > 6) return undefined;
    const idOf = byName[name.replace(/s$/, '')] ?? byName[name];
    if (schema.enum?.length) return schema.enum[0];
    if (schema.oneOf?.length) return plausible(schema.oneOf[0]!, name, depth + 1);
    if (/^(name|displayName|username|key|slug)$/.test(name) && schema.type === 'string')
      return `fuzz-${next()}`;
    if (/email$/i.test(name) && schema.type !== 'object') return `fuzz.${next()}@example.com`;
    if (/^password$|^newPassword$/.test(name)) return PASSWORD;
    if (/At$/.test(name) && schema.type === 'string')
      return new Date(Date.now() + 86_400_000).toISOString();
    if (schema.example !== undefined) return structuredClone(schema.example);
    if (schema.default !== undefined) return structuredClone(schema.default);
    switch (schema.type) {
      case 'string':
        if (idOf) return idOf();
        if (schema.format === 'uuid') return memberId;
        if (schema.format === 'date-time') return new Date().toISOString();
        return 'fuzz'.padEnd(schema.minLength ?? 0, 'z');
      case 'number':
      case 'integer':
        return schema.minimum ?? 1;
      case 'boolean':
        return false;
      case 'array': {
        if (/Ids$/.test(name) && idOf) return [idOf()];
        const item = schema.items ? plausible(schema.items, name, depth + 1) : 'fuzz';
        return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => item);
      }
      case 'object':
      case undefined:
      default: {
        const out: Record<string, unknown> = {};
        for (const key of schema.required ?? []) {
          const field = schema.properties?.[key];
          if (field) out[key] = plausible(field, key, depth + 1);
        }
        return out;
      }
    }
  };

  return {
    tenantId: T,
    otherTenantId,
    anyId: memberId,
    tokenFor(credential) {
      switch (credential) {
        case 'none':
          return null;
        case 'operator':
          return OPERATOR_KEY;
        case 'tenantAdmin':
          return adminKey;
        case 'person':
          return person.accessToken;
        case 'scim':
          return scimToken;
      }
    },
    pathValue(op, param) {
      const segments = op.template.split('/');
      const at = segments.indexOf(`{${param}}`);
      const key = `${segments[at - 1] ?? ''}/{${param}}`;
      const table = ids();
      const me = op.template.startsWith('/api/v1/me/') ? table[`me:${key}`] : undefined;
      return me ?? table[key] ?? byName[param]?.() ?? '00000000-0000-4000-8000-000000000001';
    },
    baselineBody(op) {
      if (!op.body) return undefined;
      if (op.scim) return scimBaselines[`${op.method} ${op.template}`]?.() ?? { schemas: [] };
      return plausible(op.body, '');
    },
    async heal() {
      const remade: string[] = [];
      const works = async (method: string, url: string, token: string) =>
        (
          await t.app.inject({
            method: method as 'GET',
            url,
            headers: { authorization: `Bearer ${token}` },
          })
        ).statusCode < 300;
      if (!(await works('GET', '/api/v1/me', person.accessToken))) {
        const login = await t.request('POST', '/api/v1/auth/login', {
          token: null,
          body: { email: person.email, password: PASSWORD },
        });
        if (login.status === 200) person = { ...person, accessToken: login.body.accessToken };
        else person = await newPerson(t);
        await personSpares();
        remade.push('person session');
      }
      if (!(await works('GET', base, adminKey))) {
        adminKey = (await createKey(t, T, 'admin', OPERATOR_KEY)).key;
        remade.push('admin key');
      }
      if (!(await works('GET', '/scim/v2/ServiceProviderConfig', scimToken))) {
        scimToken = (await newScimToken()).token;
        remade.push('SCIM token');
      }
      return remade;
    },
  };
}

/** Columns that change on reads (last seen, last used) or in the background (outbox delivery). */
const NOISE_COLUMNS: Record<string, string[]> = {
  '*': ['last_used_at', 'last_seen_at', 'last_active_at'],
  outbox_messages: ['status', 'attempts', 'next_attempt_at', 'last_error', 'sent_at'],
};
/** Bookkeeping that refused requests update by design: attempt and rate-limit counters. */
const SKIPPED_TABLES = ['schema_migrations', 'auth_throttle', 'rate_limits'];

/**
 * A cheap fingerprint of everything stored: per table, the row count and a hash of the rows
 * (without the noise columns). Equal before and after a refused request: it changed nothing.
 */
export async function fingerprinter(t: TestApp): Promise<() => Promise<Map<string, string>>> {
  const columns = await t.sql<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const tables = new Map<string, string[]>();
  for (const { table_name: table, column_name: column } of columns) {
    if (SKIPPED_TABLES.includes(table)) continue;
    const noise = [...(NOISE_COLUMNS['*'] ?? []), ...(NOISE_COLUMNS[table] ?? [])];
    if (noise.includes(column)) continue;
    tables.set(table, [...(tables.get(table) ?? []), column]);
  }
  const query = [...tables]
    .map(
      ([table, cols]) =>
        `SELECT '${table}' AS t, count(*)::int AS n,
                md5(coalesce(string_agg(r, ',' ORDER BY r), '')) AS h
           FROM (SELECT md5(ROW(${cols.map((c) => `"${c}"`).join(', ')})::text) AS r
                   FROM "${table}") x`,
    )
    .join(' UNION ALL ');
  return async () =>
    new Map(
      (await t.sql<{ t: string; n: number; h: string }>(query)).map((r) => [r.t, `${r.n}:${r.h}`]),
    );
}

export function fingerprintDiff(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before]
    .filter(([table, value]) => after.get(table) !== value)
    .map(
      ([table, value]) =>
        `${table} rows ${value.split(':')[0]} -> ${(after.get(table) ?? '?').split(':')[0]}`,
    );
}
