import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Memberships: a person's place in a tenant. */

export class Memberships1795352284899 implements MigrationInterface {
  name = 'Memberships1795352284899';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "memberships" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "account_id" uuid, "username" character varying(100) NOT NULL, "email" character varying(254) NOT NULL, "display_name" character varying(200) NOT NULL, "role" character varying(64) NOT NULL, "status" character varying(16) NOT NULL, "last_active_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_a45f644207a2d1d3fd36a2c9047" PRIMARY KEY ("tenant_id", "id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "memberships_account_idx" ON "memberships"  ("account_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "memberships_tenant_created_idx" ON "memberships"  ("tenant_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "memberships_tenant_account_key" ON "memberships"  ("tenant_id", "account_id") WHERE "account_id" IS NOT NULL AND "status" <> \'removed\'',
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "memberships_tenant_username_key" ON "memberships" ("tenant_id", lower("username")) WHERE "status" <> 'removed'`,
    );
    await queryRunner.query(
      'ALTER TABLE "memberships" ADD CONSTRAINT "memberships_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "memberships" DROP CONSTRAINT "memberships_tenant_fk"');
    await queryRunner.query('DROP INDEX "public"."memberships_tenant_account_key"');
    await queryRunner.query('DROP INDEX "public"."memberships_tenant_created_idx"');
    await queryRunner.query('DROP INDEX "public"."memberships_account_idx"');
    await queryRunner.query('DROP TABLE "memberships"');
  }
}
