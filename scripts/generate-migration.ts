/**
 * Writes a migration with the SQL that brings a database at the latest migration in line with the
 * entities: `npm run migration:generate -- AddTeams`. Needs DATABASE_URL or starts an embedded
 * PostgreSQL in a temporary folder.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pendingSchemaChanges, runMigrations, startEmbeddedPostgres } from '#database';
import { createDataSource } from '../apps/identity-server/src/data-source.js';

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('usage: npm run migration:generate -- <PascalCaseName>');
  process.exit(2);
}

const embedded = process.env.DATABASE_URL
  ? null
  : await startEmbeddedPostgres({
      dataDir: await mkdtemp(join(tmpdir(), 'migration-')),
      database: 'migrations',
      log: (m) => console.log(m),
    });
const ds = createDataSource(process.env.DATABASE_URL ?? embedded!.url);
await ds.initialize();
try {
  await runMigrations(ds, console.log);
  const up = await pendingSchemaChanges(ds);
  const down = (await ds.driver.createSchemaBuilder().log()).downQueries
    .map((q) => q.query)
    .reverse();
  if (up.length === 0) {
    console.log('entities and migrations agree: nothing to generate');
  } else {
    const stamp = Date.now();
    const cls = `${name}${stamp}`;
    const q = (s: string) => `    await queryRunner.query(${JSON.stringify(s)});`;
    const body = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${cls} implements MigrationInterface {
  name = '${cls}';

  async up(queryRunner: QueryRunner): Promise<void> {
${up.map(q).join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${down.map(q).join('\n')}
  }
}
`;
    const file = join('apps/identity-server/src/migrations', `${stamp}-${name}.ts`);
    await writeFile(file, body);
    console.log(`wrote ${file} (${up.length} statements); add ${cls} to migrations/index.ts`);
  }
} finally {
  await ds.destroy();
  await embedded?.stop();
}
