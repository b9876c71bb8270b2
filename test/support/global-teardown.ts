import { rm } from 'node:fs/promises';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__embeddedPostgres?.stop();
  const dir = process.env.TEST_EMBEDDED_DATA_DIR;
  if (dir) await rm(dir, { recursive: true, force: true });
}
