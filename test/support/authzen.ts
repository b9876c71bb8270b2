import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestApp } from './app.js';
import { createKey, createTenant } from './fixtures.js';

/**
 * The public AuthZEN interop scenarios (../shared/conformance/authzen, MIT), set up in a tenant
 * through the public API only: SCIM for the people (their externalId, email and department),
 * custom roles and a team grant for the policies, the resource catalog for the search records.
 */
export const CONFORMANCE_DIR = join(process.cwd(), 'test', 'conformance', 'authzen');
/** The project's shared copy, beside the repository where there is one (CI). */
export const SHARED_CONFORMANCE_DIR = join(process.cwd(), '..', 'shared', 'conformance', 'authzen');

export function conformance<T = any>(path: string): T {
  return JSON.parse(readFileSync(join(CONFORMANCE_DIR, path), 'utf8')) as T;
}

export interface Scenario {
  tenantId: string;
  /** A tenant API key allowed to ask for decisions. */
  key: string;
  /** Member ids by the scenario's user id. */
  members: Record<string, string>;
}

async function ok(res: { status: number; text: string }, what: string, statuses = [200, 201]) {
  if (!statuses.includes(res.status)) throw new Error(`${what}: ${res.status} ${res.text}`);
}

async function scimUser(
  t: TestApp,
  token: string,
  user: { userName: string; email: string; externalId: string; department?: string },
): Promise<string> {
  const res = await t.request('POST', '/scim/v2/Users', {
    token,
    body: {
      schemas: [
        'urn:ietf:params:scim:schemas:core:2.0:User',
        ...(user.department ? ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'] : []),
      ],
      userName: user.userName,
      externalId: user.externalId,
      emails: [{ value: user.email, primary: true }],
      active: true,
      ...(user.department
        ? {
            'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
              department: user.department,
            },
          }
        : {}),
    },
  });
  await ok(res, `SCIM user ${user.userName}`);
  return res.body.id as string;
}

async function scenarioTenant(t: TestApp, roles: Record<string, unknown[]>) {
  const tenant = await createTenant(t, { settings: { maxMembers: 100 } });
  const tenantId = tenant.id;
  const scim = await t.request('POST', `/api/v1/tenants/${tenantId}/scim-tokens`, {
    body: { name: 'interop' },
  });
  await ok(scim, 'SCIM token');
  for (const [key, permissions] of Object.entries(roles))
    await ok(
      await t.request('POST', `/api/v1/tenants/${tenantId}/roles`, {
        body: { key, name: key, permissions },
      }),
      `role ${key}`,
    );
  const key = (await createKey(t, tenantId, 'developer')).key;
  return { tenantId, scimToken: scim.body.token as string, key };
}

async function setRole(t: TestApp, tenantId: string, memberId: string, role: string) {
  await ok(
    await t.request('PATCH', `/api/v1/tenants/${tenantId}/members/${memberId}`, { body: { role } }),
    `role of ${memberId}`,
  );
}

/**
 * The Todo scenario: Rick is an admin, Morty and Summer editors, Beth and Jerry viewers. Everyone
 * reads users and todos; editors and admins create todos; editors update and delete the todos they
 * own (the caller sends `ownerID`, an email); admins update and delete any.
 */
export const TODO_PEOPLE = [
  { name: 'Rick', email: 'rick@the-citadel.com', role: 'todo-admin', dex: 'fd0614d3' },
  { name: 'Morty', email: 'morty@the-citadel.com', role: 'todo-editor', dex: 'fd1614d3' },
  { name: 'Summer', email: 'summer@the-smiths.com', role: 'todo-editor', dex: 'fd2614d3' },
  { name: 'Beth', email: 'beth@the-smiths.com', role: 'todo-viewer', dex: 'fd3614d3' },
  { name: 'Jerry', email: 'jerry@the-smiths.com', role: 'todo-viewer', dex: 'fd4614d3' },
];

/** The interop's subject ids: a Dex connector id (protobuf, base64) around the user's UUID. */
export function todoSubjectId(dex: string): string {
  const uuid = `${dex}-c39a-4781-b7bd-8b96f5a5100d`;
  return Buffer.concat([
    Buffer.from([0x0a, uuid.length]),
    Buffer.from(uuid),
    Buffer.from([0x12, 5]),
    Buffer.from('local'),
  ]).toString('base64');
}

const READ = { action: ['can_read_user', 'can_read_todos'], subject: ['user', 'todo'] };
export const TODO_ROLES = {
  'todo-viewer': [READ],
  'todo-editor': [
    READ,
    { action: 'can_create_todo', subject: 'todo' },
    {
      action: ['can_update_todo', 'can_delete_todo'],
      subject: 'todo',
      conditions: { ownerID: '${member.email}' },
    },
  ],
  'todo-admin': [
    READ,
    { action: ['can_create_todo', 'can_update_todo', 'can_delete_todo'], subject: 'todo' },
  ],
};

export async function setUpTodo(t: TestApp): Promise<Scenario> {
  const { tenantId, scimToken, key } = await scenarioTenant(t, TODO_ROLES);
  const members: Record<string, string> = {};
  for (const p of TODO_PEOPLE) {
    const id = await scimUser(t, scimToken, {
      userName: p.email,
      email: p.email,
      externalId: todoSubjectId(p.dex),
    });
    await setRole(t, tenantId, id, p.role);
    members[todoSubjectId(p.dex)] = id;
  }
  return { tenantId, key, members };
}

/**
 * The search scenario: managers view every record and edit those of their department; employees
 * and contractors view their department's; everyone views, edits and deletes the records they
 * own (a team grant every member holds). Records are catalog entries with their owner.
 */
export const SEARCH_ROLES = {
  'records-manager': [
    { action: 'view', subject: 'record' },
    { action: 'edit', subject: 'record', conditions: { department: '${member.department}' } },
  ],
  'records-employee': [
    { action: 'view', subject: 'record', conditions: { department: '${member.department}' } },
  ],
  'records-contractor': [
    { action: 'view', subject: 'record', conditions: { department: '${member.department}' } },
  ],
};
const OWNERS_GRANT = [
  {
    action: ['view', 'edit', 'delete'],
    subject: 'record',
    conditions: { ownerMemberId: '${member.id}' },
  },
];

export async function setUpSearch(t: TestApp): Promise<Scenario> {
  const { tenantId, scimToken, key } = await scenarioTenant(t, SEARCH_ROLES);
  const users =
    conformance<{ id: string; role: string; department: string }[]>('search/users.json');
  const records =
    conformance<{ id: number; title: string; department: string; owner: string }[]>(
      'search/records.json',
    );
  const team = await t.request('POST', `/api/v1/tenants/${tenantId}/teams`, {
    body: { name: 'Record owners' },
  });
  await ok(team, 'team');
  await ok(
    await t.request('PUT', `/api/v1/tenants/${tenantId}/teams/${team.body.id}/permissions`, {
      body: { permissions: OWNERS_GRANT },
    }),
    'team grant',
  );
  const members: Record<string, string> = {};
  for (const u of users) {
    const id = await scimUser(t, scimToken, {
      userName: u.id,
      email: `${u.id}@example.com`,
      externalId: `ext-${u.id}`,
      department: u.department,
    });
    await setRole(t, tenantId, id, `records-${u.role}`);
    await ok(
      await t.request('POST', `/api/v1/tenants/${tenantId}/teams/${team.body.id}/members`, {
        body: { memberId: id },
      }),
      `team member ${u.id}`,
    );
    members[u.id] = id;
  }
  for (const r of records)
    await ok(
      await t.request('PUT', `/api/v1/tenants/${tenantId}/resources/record/${r.id}`, {
        body: {
          properties: { title: r.title, department: r.department },
          ownerMemberId: members[r.owner],
        },
      }),
      `record ${r.id}`,
    );
  return { tenantId, key, members };
}
