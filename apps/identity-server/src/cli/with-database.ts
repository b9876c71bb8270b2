import type { DataSource } from 'typeorm';
import { startEmbeddedPostgres } from '#database';
import type { AppConfig } from '../config/config.js';
import { createDataSource } from '../data-source.js';

/**
 * For command-line tools: the server's database (DATABASE_URL, or the embedded one in DATA_DIR,
 * started for the duration), opened, handed to `work`, then closed.
 */
export async function withDatabase<T>(
  config: AppConfig,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  const embedded = config.databaseUrl
    ? null
    : await startEmbeddedPostgres({
        dataDir: config.dataDir,
        database: 'identity',
        log: (m) => console.log(m),
      });
  const dataSource = createDataSource(config.databaseUrl ?? embedded!.url, 2);
  try {
    await dataSource.initialize();
    return await work(dataSource);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}
