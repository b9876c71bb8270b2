#!/usr/bin/env node
// A table has one owner (npm run lint:tables): only its repository runs SQL or TypeORM calls
// that write it, or reach it through its entity. Other files may read it only when listed below
// as a read model, with the reason. Plain JavaScript so that lint runs it without a build.
'use strict';
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const SRC = 'apps/identity-server/src';

/** table → the repository that owns it, and the entity class that maps it. */
const TABLES = {
  memberships: { owner: `${SRC}/members/memberships.repository.ts`, entity: 'MembershipEntity' },
  teams: { owner: `${SRC}/teams/teams.repository.ts`, entity: 'TeamEntity' },
  team_members: { owner: `${SRC}/teams/teams.repository.ts`, entity: 'TeamMemberEntity' },
  invitations: {
    owner: `${SRC}/invitations/invitations.repository.ts`,
    entity: 'InvitationEntity',
  },
  sso_connections: {
    owner: `${SRC}/sso-connections/sso-connections.repository.ts`,
    entity: 'SsoConnectionEntity',
  },
  decision_logs: {
    owner: `${SRC}/decision-logs/decision-log.service.ts`,
    entity: 'DecisionLogEntity',
  },
};

/**
 * Files that read a table they do not own (never write it), and why. Joins on the hot path and
 * SQL built from client filters stay single statements instead of going through a repository.
 * (SCIM lists name their table in a ListSource, `from: 'memberships m'`, for scim-protocol's
 * readPage: the filter-to-SQL read model of SCIM Users and Groups.)
 */
const READ_MODELS = {
  [`${SRC}/policy/policy.service.ts`]: {
    memberships: 'the policy snapshot: membership, role and team tree in one query per cache miss',
    teams: 'the policy snapshot walks the team tree up for inherited grants',
    team_members: "the policy snapshot starts from the member's teams",
  },
  [`${SRC}/scim/scim-attributes.ts`]: {
    memberships: 'SCIM filter attributes of Groups (members.value) name member rows in SQL',
    team_members: 'SCIM filter attributes of Groups (members.value) name team member rows in SQL',
  },
  [`${SRC}/teams/teams.repository.ts`]: {
    memberships: 'a team member page shows names and emails, joined in one query',
  },
  [`${SRC}/roles/roles.service.ts`]: {
    memberships:
      'role_in_use counts the holders of a role with its invitations and keys in one query',
    invitations:
      'role_in_use counts the holders of a role with its invitations and keys in one query',
  },
  [`${SRC}/members/memberships.repository.ts`]: {
    invitations:
      'the seat rule counts active members and open invitations in one statement under the tenant lock (invitations import members, not the other way)',
  },
  [`${SRC}/tenants/tenants.service.ts`]: {
    memberships: "the tenants an account may list: a condition on the account's memberships",
  },
};

/** Not application code: migrations define tables, the data source lists entities. */
const SKIP = [
  /\/migrations\//,
  /\.entity\.ts$/,
  /\.spec\.ts$/,
  /\/data-source\.ts$/,
  /\/index\.ts$/,
];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (path.endsWith('.ts')) yield path;
  }
}

const WRITE = /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([a-z_]+)"?/gi;
const READ = /\b(?:FROM|JOIN)\s+"?([a-z_]+)"?/gi;
const ENTITY_USE =
  /\b(?:getRepository|insert|update|delete|save|upsert|softDelete|findOne|findOneBy|findBy|find|existsBy|count|countBy)\(\s*([A-Za-z]+Entity)\b/g;

const problems = [];
for (const path of files(join(ROOT, SRC))) {
  const file = relative(ROOT, path);
  if (SKIP.some((re) => re.test(file))) continue;
  // Comments may name tables; code may not. Blanked out, not removed, so line numbers hold.
  const text = readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/^\s*\/\/.*$/gm, '');
  const line = (index) => text.slice(0, index).split('\n').length;
  for (const [table, { owner, entity }] of Object.entries(TABLES)) {
    if (file === owner) continue;
    for (const m of text.matchAll(WRITE))
      if (m[1] === table)
        problems.push(`${file}:${line(m.index)}: writes ${table}; only ${owner} may`);
    for (const m of text.matchAll(ENTITY_USE))
      if (m[1] === entity)
        problems.push(`${file}:${line(m.index)}: uses ${entity} directly; go through ${owner}`);
    for (const m of text.matchAll(READ))
      if (m[1] === table && !READ_MODELS[file]?.[table])
        problems.push(
          `${file}:${line(m.index)}: reads ${table}; go through ${owner}, or list the file as a read model in scripts/table-owners.cjs with the reason`,
        );
  }
}

// A read model that no longer reads its table is a stale exception: drop it from the list.
for (const [file, tables] of Object.entries(READ_MODELS)) {
  let text = '';
  try {
    text = readFileSync(join(ROOT, file), 'utf8');
  } catch {
    problems.push(`${file}: listed as a read model but does not exist`);
    continue;
  }
  for (const table of Object.keys(tables))
    if (![...text.matchAll(READ)].some((m) => m[1] === table))
      problems.push(`${file}: listed as reading ${table}, which it no longer does`);
}

if (problems.length > 0) {
  console.error(`Tables have one owner (scripts/table-owners.cjs):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `table owners: ${Object.keys(TABLES).join(', ')} are queried only by their repositories and the listed read models`,
);
