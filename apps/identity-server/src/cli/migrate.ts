/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database) and exits. */
import { runMigrations, startEmbeddedPostgres } from '#database';
import { loadConfig } from '../config/config.js';
import { createDataSource } from '../database/data-source.js';

const config = loadConfig();
const embedded = config.databaseUrl
  ? null
  : await startEmbeddedPostgres({
      dataDir: config.dataDir,
      database: 'identity',
      log: (m) => console.log(m),
    });
const dataSource = createDataSource(config.databaseUrl ?? embedded!.url, 1);
try {
  await dataSource.initialize();
  const applied = await runMigrations(dataSource, (m) => console.log(m));
  console.log(
    applied.length === 0 ? 'the database is up to date' : `applied ${applied.length} migration(s)`,
  );
} finally {
  if (dataSource.isInitialized) await dataSource.destroy();
  await embedded?.stop();
}
