import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The resource catalog: tenants' own resources with properties for policy conditions, keyed by
 * the caller's (type, id). An owner or team removed leaves the resource in place with that column
 * NULL (only that column: `SET NULL (col)`, PostgreSQL 15); a tenant removed takes its catalog.
 */
export class Resources1796200000000 implements MigrationInterface {
  name = 'Resources1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "resources" ("tenant_id" uuid NOT NULL, "type" character varying(64) NOT NULL, "id" character varying(255) NOT NULL, "properties" jsonb NOT NULL DEFAULT '{}', "owner_member_id" uuid, "team_id" uuid, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "resources_pkey" PRIMARY KEY ("tenant_id", "type", "id"))`,
    );
    await queryRunner.query(
      'CREATE INDEX "resources_properties_idx" ON "resources" USING gin ("properties" jsonb_path_ops)',
    );
    await queryRunner.query(
      'CREATE INDEX "resources_owner_idx" ON "resources" ("tenant_id", "owner_member_id") WHERE "owner_member_id" IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE INDEX "resources_team_idx" ON "resources" ("tenant_id", "team_id") WHERE "team_id" IS NOT NULL',
    );
    await queryRunner.query(
      'ALTER TABLE "resources" ADD CONSTRAINT "resources_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "resources" ADD CONSTRAINT "resources_owner_fk" FOREIGN KEY ("tenant_id", "owner_member_id") REFERENCES "memberships"("tenant_id", "id") ON DELETE SET NULL ("owner_member_id") ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "resources" ADD CONSTRAINT "resources_team_fk" FOREIGN KEY ("tenant_id", "team_id") REFERENCES "teams"("tenant_id", "id") ON DELETE SET NULL ("team_id") ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "resources"');
  }
}
