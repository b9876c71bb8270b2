import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from '#database';

const exec = promisify(execFile);
let built: Promise<unknown> | null = null;

/** The server as users run it: the swc build of main.ts. Built once per test process. */
export function buildOnce(): Promise<unknown> {
  built ??= exec('npm', ['run', 'build'], { cwd: process.cwd() });
  return built;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
  waitForOutput(text: string | RegExp, ms?: number): Promise<void>;
  waitReady(ms?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function spawnServer(env: Record<string, string | undefined>): Promise<ServerProcess> {
  const port = await freePort();
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    ...env,
  })) {
    if (v !== undefined && !k.startsWith('JEST') && k !== 'NODE_OPTIONS') childEnv[k] = v;
  }
  const child = spawn(process.execPath, ['dist/apps/identity-server/src/main.js'], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;

  const waitFor = async (check: () => Promise<boolean> | boolean, ms: number, what: string) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await check()) return;
      if (child.exitCode !== null)
        throw new Error(`server exited (${child.exitCode}) before ${what}:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}:\n${out}`);
  };

  return {
    child,
    port,
    url,
    output: () => out,
    exited,
    waitForOutput: (text, ms = 15000) =>
      waitFor(
        () => (typeof text === 'string' ? out.includes(text) : text.test(out)),
        ms,
        String(text),
      ),
    waitReady: (ms = 20000) =>
      waitFor(
        async () => {
          try {
            return (await fetch(`${url}/health/ready`)).status === 200;
          } catch {
            return false;
          }
        },
        ms,
        '/health/ready',
      ),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs a built command-line tool to completion and returns what it printed. */
export async function run(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const clean = Object.fromEntries(
    Object.entries(env).filter(([k]) => !k.startsWith('JEST') && k !== 'NODE_OPTIONS'),
  );
  const { stdout, stderr } = await exec(process.execPath, [script, ...args], {
    env: clean,
    cwd: process.cwd(),
  });
  return `${stdout}${stderr}`;
}
