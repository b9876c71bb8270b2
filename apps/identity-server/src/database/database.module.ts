import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { runMigrations } from '#database';
import { registerPoolStats } from '../metrics/metrics.js';
import { InvalidationService } from './invalidation.service.js';
import { poolStats } from './pool.js';

export const DATABASE_URL = Symbol('DATABASE_URL');

/**
 * Provides the one DataSource, migrated before anything else starts, closed last. The caller
 * (the app's composition root) creates it, since only the root knows every feature's entities.
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  static forRoot(options: { create: () => DataSource; migrate: boolean }): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          useFactory: async () => {
            const logger = new Logger('Database');
            const dataSource = options.create();
            await dataSource.initialize();
            if (options.migrate) await runMigrations(dataSource, (m) => logger.log(m));
            registerPoolStats(() => poolStats(dataSource));
            return dataSource;
          },
        },
        InvalidationService,
      ],
      exports: [DataSource, InvalidationService],
    };
  }

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
