import { PrimaryColumn } from 'typeorm';

/**
 * The base of every tenant-scoped table: `tenant_id` leads the primary key (and every unique and
 * foreign key, by convention checked in the schema test), so tables can later be distributed or
 * partitioned by tenant. Queries on these tables always name the tenant.
 */
export abstract class TenantScopedEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn('uuid')
  id!: string;
}
