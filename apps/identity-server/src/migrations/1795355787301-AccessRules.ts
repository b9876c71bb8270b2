import type { MigrationInterface, QueryRunner } from 'typeorm';

/** IP and time access rules. */

export class AccessRules1795355787301 implements MigrationInterface {
  name = 'AccessRules1795355787301';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "access_rules" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "name" character varying(100) NOT NULL, "effect" character varying(8) NOT NULL, "ip" jsonb, "time" jsonb, "applies_to" jsonb NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_78cb7a3e0111648642c98e2e24b" PRIMARY KEY ("tenant_id", "id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "access_rules_tenant_created_idx" ON "access_rules"  ("tenant_id", "created_at", "id") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."access_rules_tenant_created_idx"');
    await queryRunner.query('DROP TABLE "access_rules"');
  }
}
