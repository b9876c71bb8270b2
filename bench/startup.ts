/**
 * `npm run bench`: how fast the built server becomes ready on an existing data folder (embedded
 * PostgreSQL), and how much memory it holds when idle, against a plain Node HTTP server measured
 * the same way in the same run. Targets: ready in under 3 s, idle RSS under 150 MB.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { descendantPids, freePort, processAlive } from '#database';
import { benchEncryptionKeys, serverArgs } from './server-args.js';

const RUNS = 5;
const SERVER = serverArgs();
const BASELINE = `require('node:http').createServer((q, s) => { s.writeHead(200); s.end('{"status":"ok"}'); }).listen(Number(process.env.PORT), '127.0.0.1');`;

interface Sample {
  readyMs: number;
  rssMb: number;
  postgresRssMb: number;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** After the server is gone, give its children 5 s to exit on their own, then kill the rest. */
async function reap(pids: number[]): Promise<void> {
  for (let waited = 0; waited < 5000 && pids.some(processAlive); waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const left = pids.filter(processAlive);
  if (left.length) console.log(`  killing ${left.length} leftover process(es): ${left.join(' ')}`);
  for (const pid of left) process.kill(pid, 'SIGKILL');
}

async function waitReady(url: string, child: ChildProcess, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('not ready in time');
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function measure(args: string[], env: Record<string, string>): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = ''; // the last few KB of the server's output, shown if it fails to start
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let children: number[] = [];
  try {
    await waitReady(`http://127.0.0.1:${port}/health/ready`, child, 30_000).catch((error) => {
      throw new Error(`${(error as Error).message}; last output:\n${output}`);
    });
    const readyMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 2000));
    children = await descendantPids(child.pid!);
    let postgresRssMb = 0;
    for (const pid of children) postgresRssMb += await rssMb(pid);
    return { readyMs, rssMb: await rssMb(child.pid!), postgresRssMb };
  } finally {
    children = [...new Set([...children, ...(await descendantPids(child.pid!))])];
    await stop(child);
    await reap(children);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const range = (xs: number[], digits: number) =>
  `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-startup-'));
  const baselineFile = join(dataDir, 'baseline.cjs');
  await writeFile(baselineFile, BASELINE);
  const env = {
    DATA_DIR: join(dataDir, 'data'),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    PLATFORM_API_KEY: randomBytes(32).toString('hex'),
    ENCRYPTION_KEYS: benchEncryptionKeys(),
  };
  delete process.env.DATABASE_URL;
  try {
    console.log('warm-up: first start initialises the embedded PostgreSQL cluster');
    await measure(SERVER, env);
    const server: Sample[] = [];
    const baseline: Sample[] = [];
    for (let i = 1; i <= RUNS; i++) {
      console.log(`start ${i}/${RUNS}: identity server, then plain node http`);
      // exactly as `npm start` runs it
      server.push(await measure(SERVER, env));
      baseline.push(await measure([baselineFile], {}));
    }
    const ready = median(server.map((s) => s.readyMs));
    const baseReady = median(baseline.map((s) => s.readyMs));
    const rss = median(server.map((s) => s.rssMb));
    const baseRss = median(baseline.map((s) => s.rssMb));
    const pgRss = median(server.map((s) => s.postgresRssMb));
    console.log('');
    console.log(
      `ready (existing data folder): median ${(ready / 1000).toFixed(2)} s (${range(
        server.map((s) => s.readyMs / 1000),
        2,
      )} s), x${(ready / baseReady).toFixed(1)} of plain node http (${(baseReady / 1000).toFixed(2)} s, ${range(
        baseline.map((s) => s.readyMs / 1000),
        2,
      )} s); target < 3 s: ${ready < 3000 ? 'target met' : 'target missed'}`,
    );
    console.log(
      `idle RSS of the server process: median ${rss.toFixed(0)} MB (${range(
        server.map((s) => s.rssMb),
        0,
      )} MB), x${(rss / baseRss).toFixed(1)} of plain node http (${baseRss.toFixed(0)} MB, ${range(
        baseline.map((s) => s.rssMb),
        0,
      )} MB); target < 150 MB: ${rss < 150 ? 'target met' : 'target missed'}`,
    );
    console.log(
      `idle RSS of the embedded PostgreSQL processes (not counted above): median ${pgRss.toFixed(0)} MB (${range(
        server.map((s) => s.postgresRssMb),
        0,
      )} MB)`,
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
