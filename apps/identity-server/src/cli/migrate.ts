/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database) and exits. */
import { runMigrations } from '#database';
import { loadConfig } from '../config/config.js';
import { withDatabase } from './with-database.js';

await withDatabase(loadConfig(), async (dataSource) => {
  const applied = await runMigrations(dataSource, (m) => console.log(m));
  console.log(
    applied.length === 0 ? 'the database is up to date' : `applied ${applied.length} migration(s)`,
  );
});
