import { mkdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '#database';

declare global {
  var __embeddedPostgres: EmbeddedPostgresHandle | undefined;
}

/**
 * Jest loads this file as CommonJS, where `#database` resolves to the build in dist/: `npm test`
 * builds first (pretest).
 *
 * Tests use TEST_DATABASE_URL when it is set (any database on a server where the user may
 * create databases); otherwise they start an embedded PostgreSQL for this run. Each e2e suite
 * then creates and drops its own database on that server.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const dataDir = join(tmpdir(), `identity-test-${randomBytes(4).toString('hex')}`);
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  process.stdout.write(
    `\nTEST_DATABASE_URL is not set: starting an embedded PostgreSQL in ${dataDir}\n`,
  );
  const handle = await startEmbeddedPostgres({
    dataDir,
    database: 'postgres',
    log: () => undefined,
  });
  globalThis.__embeddedPostgres = handle;
  process.env.TEST_DATABASE_URL = handle.url;
  process.env.TEST_EMBEDDED_DATA_DIR = dataDir;
}
