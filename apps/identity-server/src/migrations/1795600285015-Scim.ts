import type { MigrationInterface, QueryRunner } from 'typeorm';

/** SCIM tokens; the SCIM view of members (externalId, the rest as jsonb) and teams (externalId); email lookups ignoring case. */

export class Scim1795600285015 implements MigrationInterface {
  name = 'Scim1795600285015';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "scim_tokens" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "name" character varying(100) NOT NULL, "prefix" character varying(16) NOT NULL, "token_hash" bytea NOT NULL, "created_by_type" character varying(32) NOT NULL, "created_by_id" character varying(64) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_ecbbf024b47cb38d7dcad7e32d8" PRIMARY KEY ("tenant_id", "id"))',
    );
    await queryRunner.query('CREATE INDEX "scim_tokens_prefix_idx" ON "scim_tokens"  ("prefix") ');
    await queryRunner.query(
      'CREATE INDEX "scim_tokens_tenant_created_idx" ON "scim_tokens"  ("tenant_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "scim_tokens_tenant_prefix_key" ON "scim_tokens"  ("tenant_id", "prefix") ',
    );
    await queryRunner.query('ALTER TABLE "memberships" ADD "external_id" character varying(255)');
    await queryRunner.query('ALTER TABLE "memberships" ADD "scim" jsonb NOT NULL DEFAULT \'{}\'');
    await queryRunner.query('ALTER TABLE "teams" ADD "external_id" character varying(255)');
    await queryRunner.query(
      'CREATE INDEX "memberships_tenant_external_id_idx" ON "memberships"  ("tenant_id", "external_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "teams_tenant_external_id_idx" ON "teams"  ("tenant_id", "external_id") ',
    );
    await queryRunner.query(
      `CREATE INDEX "memberships_tenant_active_idx" ON "memberships" ("tenant_id") WHERE "status" = 'active'`,
    );
    await queryRunner.query(
      `CREATE INDEX "memberships_tenant_email_idx" ON "memberships" ("tenant_id", lower("email"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "memberships_unlinked_email_idx" ON "memberships" (lower("email")) WHERE "account_id" IS NULL AND "status" <> 'removed'`,
    );
    await queryRunner.query(
      'ALTER TABLE "scim_tokens" ADD CONSTRAINT "scim_tokens_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "scim_tokens" DROP CONSTRAINT "scim_tokens_tenant_fk"');
    await queryRunner.query('DROP INDEX "public"."memberships_tenant_active_idx"');
    await queryRunner.query('DROP INDEX "public"."memberships_unlinked_email_idx"');
    await queryRunner.query('DROP INDEX "public"."memberships_tenant_email_idx"');
    await queryRunner.query('DROP INDEX "public"."teams_tenant_external_id_idx"');
    await queryRunner.query('DROP INDEX "public"."memberships_tenant_external_id_idx"');
    await queryRunner.query('ALTER TABLE "teams" DROP COLUMN "external_id"');
    await queryRunner.query('ALTER TABLE "memberships" DROP COLUMN "scim"');
    await queryRunner.query('ALTER TABLE "memberships" DROP COLUMN "external_id"');
    await queryRunner.query('DROP INDEX "public"."scim_tokens_tenant_prefix_key"');
    await queryRunner.query('DROP INDEX "public"."scim_tokens_tenant_created_idx"');
    await queryRunner.query('DROP INDEX "public"."scim_tokens_prefix_idx"');
    await queryRunner.query('DROP TABLE "scim_tokens"');
  }
}
