import type { DataSource } from 'typeorm';

/** Any fixed 64-bit number; every instance takes this lock before migrating. */
const MIGRATION_LOCK = 7_411_902_301;

/**
 * Applies pending migrations, one instance at a time: several servers starting together on one
 * database wait for each other instead of racing to create the same tables.
 */
export async function runMigrations(
  dataSource: DataSource,
  log: (message: string) => void,
): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const migration of applied) log(`applied migration ${migration.name}`);
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

/**
 * The SQL that would bring the database in line with the entities. Empty when the migrations
 * and the entities agree; the schema test fails otherwise.
 */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}
