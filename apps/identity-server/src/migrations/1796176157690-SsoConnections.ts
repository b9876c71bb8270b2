import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants' OpenID Connect connections (issue #13): the client secret sealed, names unique in the
 * tenant regardless of case, and the id indexed alone because the sign-in URL names no tenant.
 */
export class SsoConnections1796176157690 implements MigrationInterface {
  name = 'SsoConnections1796176157690';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "sso_connections" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "name" character varying(100) NOT NULL, "issuer" character varying(2048) NOT NULL, "client_id" character varying(255) NOT NULL, "client_secret" text NOT NULL, "allowed_domains" text array NOT NULL, "enabled" boolean NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_fd25817045fef24fc6c960caad3" PRIMARY KEY ("tenant_id", "id"))',
    );
    await queryRunner.query('CREATE INDEX "sso_connections_id_idx" ON "sso_connections"  ("id") ');
    await queryRunner.query(
      'CREATE INDEX "sso_connections_tenant_created_idx" ON "sso_connections"  ("tenant_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "sso_connections_tenant_name_key" ON "sso_connections" ("tenant_id", lower("name"))',
    );
    await queryRunner.query(
      'ALTER TABLE "sso_connections" ADD CONSTRAINT "sso_connections_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "sso_connections" DROP CONSTRAINT "sso_connections_tenant_fk"',
    );
    await queryRunner.query('DROP INDEX "public"."sso_connections_tenant_name_key"');
    await queryRunner.query('DROP INDEX "public"."sso_connections_tenant_created_idx"');
    await queryRunner.query('DROP INDEX "public"."sso_connections_id_idx"');
    await queryRunner.query('DROP TABLE "sso_connections"');
  }
}
