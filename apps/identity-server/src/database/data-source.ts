import { DataSource, type DataSourceOptions } from 'typeorm';
import { ApiKeyEntity } from '../api-keys/api-key.entity.js';
import { AuditEventEntity } from '../audit/audit-event.entity.js';
import { PlatformCredentialEntity } from '../auth/platform-credential.entity.js';
import { TenantEntity } from '../tenants/tenant.entity.js';
import { MIGRATIONS } from '../migrations/index.js';

/** Every entity of the server; the migration CLI, the app and the schema test share this list. */
export const ENTITIES = [TenantEntity, ApiKeyEntity, AuditEventEntity, PlatformCredentialEntity];

/** The one DataSource definition, used by the server, `npm run migrate` and the tests. */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize,
    extra: { application_name: 'identity-server', connectionTimeoutMillis: 5000 },
  };
}

export function createDataSource(url: string, poolSize?: number): DataSource {
  return new DataSource(dataSourceOptions(url, poolSize));
}
