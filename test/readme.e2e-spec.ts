import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OPERATOR_KEY, startTestApp, type TestApp } from './support/app.js';
import { claims, curlCalls, lint, script, shBlocks } from './support/readme.js';

/**
 * The README's walk-through runs as written: its ```sh blocks, in order, in one bash process with
 * `set -euo pipefail`, against a fresh server, each curl answering the status its `# → NNN`
 * comment shows (2xx when it shows none) with the fields that comment shows.
 */
describe('README', () => {
  let readme: string;
  beforeAll(async () => {
    readme = await readFile('README.md', 'utf8');
  });

  it('lists in its Configuration table exactly the variables the configuration reads', async () => {
    const source = await readFile('apps/identity-server/src/config/config.ts', 'utf8');
    const read = new Set([
      ...[...source.matchAll(/\(env, '([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]),
      // oauthClient(env, ['X_CLIENT_ID', 'X_CLIENT_SECRET', 'X_ISSUER'], …)
      ...[...source.matchAll(/\(\s*env,\s*\[([^\]]*)\]/g)].flatMap((m) =>
        [...(m[1] ?? '').matchAll(/'([A-Z][A-Z0-9_]*)'/g)].map((n) => n[1]),
      ),
    ]);
    const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0] ?? '';
    const documented = new Set(
      section
        .split('\n')
        .filter((l) => l.startsWith('| `'))
        .flatMap((l) =>
          [...(l.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]),
        ),
    );
    // OTEL_* are the OpenTelemetry standard's variables: those metrics/telemetry.ts reads must be
    // documented; the table may name more that the SDK itself reads (OTEL_SERVICE_NAME, …).
    const telemetry = await readFile('apps/identity-server/src/metrics/telemetry.ts', 'utf8');
    const otel = new Set(
      [...telemetry.matchAll(/(?:env\.|read\(')(OTEL_[A-Z0-9_]+)/g)].map((m) => m[1]),
    );
    const own = [...documented].filter((name) => !name?.startsWith('OTEL_'));
    expect(own.sort()).toEqual([...read].sort());
    expect([...otel].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('has shell blocks a reader can paste as they are', () => {
    const blocks = shBlocks(readme);
    expect(blocks.length).toBeGreaterThan(3);
    expect(lint(blocks)).toEqual([]);
  });

  describe('walk-through', () => {
    let app: TestApp;
    let dir: string;
    beforeAll(async () => {
      app = await startTestApp();
      dir = await mkdtemp(join(tmpdir(), 'readme-'));
    });
    afterAll(async () => {
      await app?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('runs top to bottom against a fresh server, every answer as the README shows it', async () => {
      const blocks = shBlocks(readme);
      const calls = curlCalls(blocks);
      const { text, readmeLine } = script(blocks, calls, dir);
      await writeFile(join(dir, 'walk-through.sh'), text);

      const child = spawn('bash', [join(dir, 'walk-through.sh')], {
        cwd: dir,
        env: {
          PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
          HOME: dir,
          LANG: 'C.UTF-8',
          // What the README tells a reader to set: the operator key and where the server is.
          OP: OPERATOR_KEY,
          BASE: app.baseUrl,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stdout.resume();
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      const explained = stderr.replace(
        /(?:stopped at script line|walk-through\.sh: line) (\d+)/g,
        (_, n: string) => `stopped at README.md:${readmeLine(Number(n)) ?? `? (script line ${n})`}`,
      );
      if (code !== 0) throw new Error(`the walk-through stopped (exit ${code}):\n${explained}`);

      const made = Number((await readFile(join(dir, 'count'), 'utf8')).trim());
      expect({ curlCalls: made }).toEqual({ curlCalls: calls.length });

      const wrong: string[] = [];
      for (const [n, call] of calls.entries()) {
        const body = await readFile(join(dir, `body.${n}`), 'utf8');
        if (call.status === 204 && body !== '')
          wrong.push(`README.md:${call.line}: 204 with a body`);
        for (const claim of claims(call.shows)) {
          if (!body.includes(claim))
            wrong.push(`README.md:${call.line}: the answer has no ${claim}: ${body.slice(0, 400)}`);
        }
      }
      expect(wrong).toEqual([]);
    }, 120_000);
  });
});
