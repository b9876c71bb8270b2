import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants, tenant API keys, the audit trail and the platform operator key. */
export class Initial1795349925330 implements MigrationInterface {
  name = 'Initial1795349925330';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "tenants" (
      "id" uuid NOT NULL,
      "name" character varying(200) NOT NULL,
      "slug" character varying(63) NOT NULL,
      "settings" jsonb NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_53be67a04681c66b87ee27c9321" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "tenants_slug_key" ON "tenants" ("slug")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "tenants_name_lower_key" ON "tenants" (lower("name"))`,
    );
    await queryRunner.query(`CREATE INDEX "tenants_created_idx" ON "tenants" ("created_at", "id")`);

    await queryRunner.query(`CREATE TABLE "api_keys" (
      "tenant_id" uuid NOT NULL,
      "id" uuid NOT NULL,
      "name" character varying(100) NOT NULL,
      "role" character varying(64) NOT NULL,
      "prefix" character varying(16) NOT NULL,
      "key_hash" bytea NOT NULL,
      "created_by_type" character varying(32) NOT NULL,
      "created_by_id" character varying(64) NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "expires_at" TIMESTAMP WITH TIME ZONE,
      "last_used_at" TIMESTAMP WITH TIME ZONE,
      "revoked_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_63391bb25a8c6e1c50de701375f" PRIMARY KEY ("tenant_id", "id"))`);
    await queryRunner.query(`CREATE INDEX "api_keys_prefix_idx" ON "api_keys" ("prefix")`);
    await queryRunner.query(
      `CREATE INDEX "api_keys_tenant_created_idx" ON "api_keys" ("tenant_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "api_keys_tenant_prefix_key" ON "api_keys" ("tenant_id", "prefix")`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );

    await queryRunner.query(`CREATE TABLE "audit_events" (
      "tenant_id" uuid NOT NULL,
      "id" uuid NOT NULL,
      "type" character varying(64) NOT NULL,
      "actor_type" character varying(32) NOT NULL,
      "actor_id" character varying(64) NOT NULL,
      "target_type" character varying(32) NOT NULL,
      "target_id" character varying(64) NOT NULL,
      "ip" character varying(45),
      "user_agent" character varying(512),
      "request_id" character varying(128),
      "changes" jsonb,
      "at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_7445fcd6291ee354a6988ae6d3c" PRIMARY KEY ("tenant_id", "id"))`);
    await queryRunner.query(
      `CREATE INDEX "audit_events_tenant_at_idx" ON "audit_events" ("tenant_id", "at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "audit_events_tenant_type_idx" ON "audit_events" ("tenant_id", "type", "at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "audit_events_tenant_actor_idx" ON "audit_events" ("tenant_id", "actor_id", "at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "audit_events_tenant_target_idx" ON "audit_events" ("tenant_id", "target_id", "at")`,
    );

    await queryRunner.query(`CREATE TABLE "platform_credentials" (
      "kind" character varying(32) NOT NULL,
      "prefix" character varying(16) NOT NULL,
      "key_hash" bytea NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_07167f5267511e5ac3b0712de08" PRIMARY KEY ("kind"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "platform_credentials"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
    await queryRunner.query(`DROP TABLE "tenants"`);
  }
}
