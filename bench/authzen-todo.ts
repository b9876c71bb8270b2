/**
 * The AuthZEN interop "Todo" scenario (authzen-interop.net; decisions from the interop's
 * decisions-authorization-api-1_0-01.json, MIT licence, Aserto): five users, three roles, five
 * actions. Used by bench:policy to check that our AuthZEN endpoint and Cerbos answer the same
 * before either is measured.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '#database';

export type TodoRole = 'admin' | 'editor' | 'viewer';

/** The interop's users: the subject id is the opaque PID of its identity provider. */
export const TODO_USERS: Record<string, { pid: string; email: string; role: TodoRole }> = {
  rick: {
    pid: 'CiRmZDA2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs',
    email: 'rick@the-citadel.com',
    role: 'admin',
  },
  morty: {
    pid: 'CiRmZDE2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs',
    email: 'morty@the-citadel.com',
    role: 'editor',
  },
  summer: {
    pid: 'CiRmZDI2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs',
    email: 'summer@the-smiths.com',
    role: 'editor',
  },
  beth: {
    pid: 'CiRmZDM2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs',
    email: 'beth@the-smiths.com',
    role: 'viewer',
  },
  jerry: {
    pid: 'CiRmZDQ2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs',
    email: 'jerry@the-smiths.com',
    role: 'viewer',
  },
};

/** [user, action, resource id, the todo's ownerID, expected decision] */
type Case = [string, string, string, string | null, boolean];
const CASES: Case[] = [
  ['rick', 'can_read_user', 'beth@the-smiths.com', null, true],
  ['rick', 'can_read_user', 'rick@the-citadel.com', null, true],
  ['rick', 'can_read_todos', 'todo-1', null, true],
  ['rick', 'can_create_todo', 'todo-1', null, true],
  ['rick', 'can_update_todo', '7240d0db-8ff0-41ec-98b2-34a096273b92', 'rick@the-citadel.com', true],
  [
    'rick',
    'can_update_todo',
    '7240d0db-8ff0-41ec-98b2-34a096273b91',
    'morty@the-citadel.com',
    true,
  ],
  ['rick', 'can_delete_todo', '7240d0db-8ff0-41ec-98b2-34a096273b92', 'rick@the-citadel.com', true],
  [
    'rick',
    'can_delete_todo',
    '7240d0db-8ff0-41ec-98b2-34a096273b91',
    'morty@the-citadel.com',
    true,
  ],
  ['morty', 'can_read_user', 'beth@the-smiths.com', null, true],
  ['morty', 'can_read_user', 'morty@the-citadel.com', null, true],
  ['morty', 'can_read_todos', 'todo-1', null, true],
  ['morty', 'can_create_todo', 'todo-1', null, true],
  [
    'morty',
    'can_update_todo',
    '7240d0db-8ff0-41ec-98b2-34a096273b92',
    'rick@the-citadel.com',
    false,
  ],
  [
    'morty',
    'can_update_todo',
    '7240d0db-8ff0-41ec-98b2-34a096273b91',
    'morty@the-citadel.com',
    true,
  ],
  [
    'morty',
    'can_delete_todo',
    '7240d0db-8ff0-41ec-98b2-34a096273b92',
    'rick@the-citadel.com',
    false,
  ],
  [
    'morty',
    'can_delete_todo',
    '7240d0db-8ff0-41ec-98b2-34a096273b91',
    'morty@the-citadel.com',
    true,
  ],
  ['summer', 'can_read_user', 'beth@the-smiths.com', null, true],
  ['summer', 'can_read_user', 'summer@the-smiths.com', null, true],
  ['summer', 'can_read_todos', 'todo-1', null, true],
  ['summer', 'can_create_todo', 'todo-1', null, true],
  [
    'summer',
    'can_update_todo',
    '7240d0db-8ff0-41ec-98b2-34a096273b92',
    'rick@the-citadel.com',
    false,
  ],
  [
    'summer',
    'can_update_todo',
    '7240d0db-8ff0-41ec-98b2-34a096273b93',
    'summer@the-smiths.com',
    true,
  ],
  [
    'summer',
    'can_delete_todo',
    '7240d0db-8ff0-41ec-98b2-34a096273b92',
    'rick@the-citadel.com',
    false,
  ],
  [
    'summer',
    'can_delete_todo',
    '7240d0db-8ff0-41ec-98b2-34a096273b93',
    'summer@the-smiths.com',
    true,
  ],
  ['beth', 'can_read_user', 'beth@the-smiths.com', null, true],
  ['beth', 'can_read_user', 'beth@the-smiths.com', null, true],
  ['beth', 'can_read_todos', 'todo-1', null, true],
  ['beth', 'can_create_todo', 'todo-1', null, false],
  [
    'beth',
    'can_update_todo',
    '7240d0db-8ff0-41ec-98b2-34a096273b92',
    'rick@the-citadel.com',
    false,
  ],
  ['beth', 'can_update_todo', '7240d0db-8ff0-41ec-98b2-34a096273b94', 'beth@the-smiths.com', false],
  [
    'beth',
    'can_delete_todo',
    '7240d0db-8ff0-41ec-98b2-34a096273b92',
    'rick@the-citadel.com',
    false,
  ],
  ['beth', 'can_delete_todo', '7240d0db-8ff0-41ec-98b2-34a096273b94', 'beth@the-smiths.com', false],
  ['jerry', 'can_read_user', 'beth@the-smiths.com', null, true],
  ['jerry', 'can_read_user', 'jerry@the-smiths.com', null, true],
  ['jerry', 'can_read_todos', 'todo-1', null, true],
  ['jerry', 'can_create_todo', 'todo-1', null, false],
  [
    'jerry',
    'can_update_todo',
    '7240d0db-8ff0-41ec-98b2-34a096273b92',
    'rick@the-citadel.com',
    false,
  ],
  [
    'jerry',
    'can_update_todo',
    '240d0db-8ff0-41ec-98b2-34a096273b95',
    'jerry@the-smiths.com',
    false,
  ],
  [
    'jerry',
    'can_delete_todo',
    '7240d0db-8ff0-41ec-98b2-34a096273b92',
    'rick@the-citadel.com',
    false,
  ],
  [
    'jerry',
    'can_delete_todo',
    '240d0db-8ff0-41ec-98b2-34a096273b95',
    'jerry@the-smiths.com',
    false,
  ],
];

export interface Evaluation {
  subject: { type: 'user'; id: string; properties?: Record<string, unknown> };
  action: { name: string };
  resource: { type: string; id: string; properties?: Record<string, unknown> };
}

/**
 * The scenario's evaluations. Cerbos keeps no users: its AuthZEN mapping takes the principal's
 * roles from the subject property `cerbos.roles` and every other subject property as a
 * principal attribute (P.attr.email), resource.type as the resource kind and
 * resource.properties as its attributes (R.attr.ownerID). Our server looks the subject up
 * among the tenant's members instead (here by SCIM externalId), so sends no properties.
 */
export function todoEvaluations(forCerbos: boolean): { request: Evaluation; expected: boolean }[] {
  return CASES.map(([user, action, id, ownerID, expected]) => {
    const who = TODO_USERS[user]!;
    return {
      request: {
        subject: {
          type: 'user',
          id: who.pid,
          ...(forCerbos ? { properties: { 'cerbos.roles': [who.role], email: who.email } } : {}),
        },
        action: { name: action },
        resource: {
          type: action === 'can_read_user' ? 'user' : 'todo',
          id,
          ...(ownerID ? { properties: { ownerID } } : {}),
        },
      },
      expected,
    };
  });
}

const TODO_ACTIONS = ['can_read_todos', 'can_create_todo', 'can_update_todo', 'can_delete_todo'];

/** The scenario as custom roles of our server: the editor's condition names the member's email. */
export const TODO_ROLES: { key: string; role: TodoRole; permissions: unknown[] }[] = [
  {
    key: 'todo-admin',
    role: 'admin',
    permissions: [
      { action: 'can_read_user', subject: 'user' },
      { action: TODO_ACTIONS, subject: 'todo' },
    ],
  },
  {
    key: 'todo-editor',
    role: 'editor',
    permissions: [
      { action: 'can_read_user', subject: 'user' },
      { action: ['can_read_todos', 'can_create_todo'], subject: 'todo' },
      {
        action: ['can_update_todo', 'can_delete_todo'],
        subject: 'todo',
        conditions: { ownerID: '${member.email}' },
      },
    ],
  },
  {
    key: 'todo-viewer',
    role: 'viewer',
    permissions: [
      { action: 'can_read_user', subject: 'user' },
      { action: 'can_read_todos', subject: 'todo' },
    ],
  },
];

const CERBOS_POLICIES: Record<string, string> = {
  'derived_roles.yaml': `apiVersion: api.cerbos.dev/v1
derivedRoles:
  name: todo_roles
  definitions:
    - name: owner
      parentRoles: [editor]
      condition:
        match:
          expr: has(R.attr.ownerID) && R.attr.ownerID == P.attr.email
`,
  'todo.yaml': `apiVersion: api.cerbos.dev/v1
resourcePolicy:
  version: default
  resource: todo
  importDerivedRoles: [todo_roles]
  rules:
    - actions: [can_read_todos]
      effect: EFFECT_ALLOW
      roles: [viewer, editor, admin]
    - actions: [can_create_todo]
      effect: EFFECT_ALLOW
      roles: [editor, admin]
    - actions: [can_update_todo, can_delete_todo]
      effect: EFFECT_ALLOW
      roles: [admin]
    - actions: [can_update_todo, can_delete_todo]
      effect: EFFECT_ALLOW
      derivedRoles: [owner]
`,
  'user.yaml': `apiVersion: api.cerbos.dev/v1
resourcePolicy:
  version: default
  resource: user
  rules:
    - actions: [can_read_user]
      effect: EFFECT_ALLOW
      roles: [viewer, editor, admin]
`,
};

export interface Cerbos {
  base: string;
  /** The Cerbos process, for its CPU time. */
  pid: number | undefined;
  stop: () => Promise<void>;
}

/**
 * Cerbos from npm (@cerbos/cerbos-linux-x64, a static binary) installed into `dir`, never into
 * our package.json, with the scenario's policies on disk. Its AuthZEN API needs no setting: the
 * HTTP listener (server.httpListenAddr) serves /access/v1/evaluation(s) and
 * /.well-known/authzen-configuration. Null, with the reason, when it cannot run here.
 */
export async function startCerbos(dir: string): Promise<Cerbos | string> {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return `the npm package of Cerbos used here is for linux-x64, not ${process.platform}-${process.arch}`;
  const prefix = join(dir, 'cerbos');
  const binary = join(prefix, 'node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64');
  if (!existsSync(binary)) {
    const npm = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-audit',
        '--no-fund',
        '@cerbos/cerbos-linux-x64',
      ],
      { encoding: 'utf8' },
    );
    if (npm.status !== 0 || !existsSync(binary))
      return `npm install @cerbos/cerbos-linux-x64 failed: ${(npm.stderr || npm.stdout || '').trim().slice(-300)}`;
  }
  const policies = join(prefix, 'policies');
  await mkdir(policies, { recursive: true });
  for (const [file, text] of Object.entries(CERBOS_POLICIES))
    await writeFile(join(policies, file), text);
  const [http, grpc] = [await freePort(), await freePort()];
  const config = join(prefix, 'cerbos.yaml');
  await writeFile(
    config,
    [
      'server:',
      `  httpListenAddr: "127.0.0.1:${http}"`,
      `  grpcListenAddr: "127.0.0.1:${grpc}"`,
      'storage:',
      '  driver: disk',
      '  disk:',
      `    directory: "${policies}"`,
      '    watchForChanges: false',
      'telemetry:',
      '  disabled: true',
      '',
    ].join('\n'),
  );
  const logFile = join(prefix, 'cerbos.log');
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn(binary, ['server', `--config=${config}`, '--log-level=warn'], {
    // Its log (a line per request cut short when autocannon stops) goes to a file.
    stdio: ['ignore', log, log],
  });
  const base = `http://127.0.0.1:${http}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) return `Cerbos exited at start (see ${logFile})`;
    try {
      if ((await fetch(`${base}/.well-known/authzen-configuration`)).ok) break;
    } catch {
      // not yet
    }
    if (i > 200) {
      await stop();
      return `Cerbos did not start (see ${logFile})`;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { base, pid: child.pid, stop };
}
