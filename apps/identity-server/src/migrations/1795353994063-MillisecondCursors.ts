import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Columns that cursors page on keep millisecond precision, like the cursors themselves. */

export class MillisecondCursors1795353994063 implements MigrationInterface {
  name = 'MillisecondCursors1795353994063';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."tenants_created_idx"');
    await queryRunner.query(
      'ALTER TABLE "tenants" ALTER COLUMN "created_at" TYPE TIMESTAMP(3) WITH TIME ZONE',
    );
    await queryRunner.query('DROP INDEX "public"."api_keys_tenant_created_idx"');
    await queryRunner.query(
      'ALTER TABLE "api_keys" ALTER COLUMN "created_at" TYPE TIMESTAMP(3) WITH TIME ZONE',
    );
    await queryRunner.query('DROP INDEX "public"."audit_events_tenant_at_idx"');
    await queryRunner.query('DROP INDEX "public"."audit_events_tenant_type_idx"');
    await queryRunner.query('DROP INDEX "public"."audit_events_tenant_actor_idx"');
    await queryRunner.query('DROP INDEX "public"."audit_events_tenant_target_idx"');
    await queryRunner.query(
      'ALTER TABLE "audit_events" ALTER COLUMN "at" TYPE TIMESTAMP(3) WITH TIME ZONE',
    );
    await queryRunner.query('DROP INDEX "public"."memberships_tenant_created_idx"');
    await queryRunner.query(
      'ALTER TABLE "memberships" ALTER COLUMN "created_at" TYPE TIMESTAMP(3) WITH TIME ZONE',
    );
    await queryRunner.query('DROP INDEX "public"."personal_api_keys_account_created_idx"');
    await queryRunner.query(
      'ALTER TABLE "personal_api_keys" ALTER COLUMN "created_at" TYPE TIMESTAMP(3) WITH TIME ZONE',
    );
    await queryRunner.query(
      'CREATE INDEX "tenants_created_idx" ON "tenants"  ("created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "api_keys_tenant_created_idx" ON "api_keys"  ("tenant_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "audit_events_tenant_target_idx" ON "audit_events"  ("tenant_id", "target_id", "at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "audit_events_tenant_actor_idx" ON "audit_events"  ("tenant_id", "actor_id", "at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "audit_events_tenant_type_idx" ON "audit_events"  ("tenant_id", "type", "at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "audit_events_tenant_at_idx" ON "audit_events"  ("tenant_id", "at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "memberships_tenant_created_idx" ON "memberships"  ("tenant_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "personal_api_keys_account_created_idx" ON "personal_api_keys"  ("account_id", "created_at", "id") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."personal_api_keys_account_created_idx"');
    await queryRunner.query('DROP INDEX "public"."memberships_tenant_created_idx"');
    await queryRunner.query('DROP INDEX "public"."audit_events_tenant_at_idx"');
    await queryRunner.query('DROP INDEX "public"."audit_events_tenant_type_idx"');
    await queryRunner.query('DROP INDEX "public"."audit_events_tenant_actor_idx"');
    await queryRunner.query('DROP INDEX "public"."audit_events_tenant_target_idx"');
    await queryRunner.query('DROP INDEX "public"."api_keys_tenant_created_idx"');
    await queryRunner.query('DROP INDEX "public"."tenants_created_idx"');
    await queryRunner.query(
      'ALTER TABLE "personal_api_keys" ALTER COLUMN "created_at" TYPE TIMESTAMP(6) WITH TIME ZONE',
    );
    await queryRunner.query(
      'CREATE INDEX "personal_api_keys_account_created_idx" ON "personal_api_keys" USING btree ("account_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "memberships" ALTER COLUMN "created_at" TYPE TIMESTAMP(6) WITH TIME ZONE',
    );
    await queryRunner.query(
      'CREATE INDEX "memberships_tenant_created_idx" ON "memberships" USING btree ("created_at", "id", "tenant_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "audit_events" ALTER COLUMN "at" TYPE TIMESTAMP(6) WITH TIME ZONE',
    );
    await queryRunner.query(
      'CREATE INDEX "audit_events_tenant_target_idx" ON "audit_events" USING btree ("at", "target_id", "tenant_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "audit_events_tenant_actor_idx" ON "audit_events" USING btree ("actor_id", "at", "tenant_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "audit_events_tenant_type_idx" ON "audit_events" USING btree ("at", "tenant_id", "type") ',
    );
    await queryRunner.query(
      'CREATE INDEX "audit_events_tenant_at_idx" ON "audit_events" USING btree ("at", "id", "tenant_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "api_keys" ALTER COLUMN "created_at" TYPE TIMESTAMP(6) WITH TIME ZONE',
    );
    await queryRunner.query(
      'CREATE INDEX "api_keys_tenant_created_idx" ON "api_keys" USING btree ("created_at", "id", "tenant_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "tenants" ALTER COLUMN "created_at" TYPE TIMESTAMP(6) WITH TIME ZONE',
    );
    await queryRunner.query(
      'CREATE INDEX "tenants_created_idx" ON "tenants" USING btree ("created_at", "id") ',
    );
  }
}
