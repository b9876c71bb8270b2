import { pendingSchemaChanges, runMigrations } from '#database';
import { createDataSource } from '../apps/identity-server/src/data-source.js';
import { createTestDatabase } from './support/database.js';

describe('database schema', () => {
  it('is what the entities describe once the migrations have run (no migration is missing)', async () => {
    const db = await createTestDatabase();
    const ds = createDataSource(db.url, 2);
    await ds.initialize();
    try {
      const applied = await runMigrations(ds, () => undefined);
      expect(applied.length).toBeGreaterThan(0);
      expect(await pendingSchemaChanges(ds)).toEqual([]);
      // a second run finds nothing to do
      expect(await runMigrations(ds, () => undefined)).toEqual([]);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });

  it('leads every primary and unique key of tenant-scoped tables with tenant_id', async () => {
    const db = await createTestDatabase();
    const ds = createDataSource(db.url, 2);
    await ds.initialize();
    try {
      await runMigrations(ds, () => undefined);
      const keys: { table: string; index: string; first: string }[] = await ds.query(`
        SELECT t.relname AS table, i.relname AS index, a.attname AS first
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
        WHERE (x.indisunique OR x.indisprimary)
          AND EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_name = t.relname AND c.column_name = 'tenant_id')`);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.filter((k) => k.first !== 'tenant_id')).toEqual([]);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });

  it('runs migrations once when several servers start together', async () => {
    const db = await createTestDatabase();
    const sources = Array.from({ length: 3 }, () => createDataSource(db.url, 2));
    try {
      await Promise.all(sources.map((s) => s.initialize()));
      const results = await Promise.all(sources.map((s) => runMigrations(s, () => undefined)));
      expect(results.flat().length).toBe(results.find((r) => r.length > 0)?.length);
    } finally {
      await Promise.all(sources.map((s) => s.destroy()));
      await db.drop();
    }
  });
});
