import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Invitations and the email outbox. */

export class Invitations1795354575956 implements MigrationInterface {
  name = 'Invitations1795354575956';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "invitations" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "email" character varying(254) NOT NULL, "username" character varying(100) NOT NULL, "role" character varying(64) NOT NULL, "identity_provider" character varying(16) NOT NULL, "entra_tenant_id" character varying(64), "notification_email" character varying(254), "token_prefix" character varying(16) NOT NULL, "token_hash" bytea NOT NULL, "status" character varying(16) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "invited_by_type" character varying(32) NOT NULL, "invited_by_id" character varying(64) NOT NULL, "accepted_membership_id" uuid, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_b0ba2d8d46d4f9f1e4035b1d87b" PRIMARY KEY ("tenant_id", "id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "invitations_token_prefix_idx" ON "invitations"  ("token_prefix") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "invitations_tenant_token_prefix_key" ON "invitations"  ("tenant_id", "token_prefix") ',
    );
    await queryRunner.query(
      'CREATE INDEX "invitations_tenant_email_idx" ON "invitations"  ("tenant_id", "email") ',
    );
    await queryRunner.query(
      'CREATE INDEX "invitations_tenant_created_idx" ON "invitations"  ("tenant_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "outbox_messages" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "subject_type" character varying(32) NOT NULL, "subject_id" uuid NOT NULL, "to_address" character varying(254) NOT NULL, "content" text NOT NULL, "status" character varying(16) NOT NULL, "attempts" integer NOT NULL, "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_error" character varying(500), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "sent_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_c143ef736a9c9b3459e149cc377" PRIMARY KEY ("tenant_id", "id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "outbox_messages_subject_idx" ON "outbox_messages"  ("tenant_id", "subject_type", "subject_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "outbox_messages_tenant_created_idx" ON "outbox_messages"  ("tenant_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "outbox_messages_due_idx" ON "outbox_messages"  ("status", "next_attempt_at") ',
    );
    await queryRunner.query(
      'ALTER TABLE "invitations" ADD CONSTRAINT "invitations_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "invitations" DROP CONSTRAINT "invitations_tenant_fk"');
    await queryRunner.query('DROP INDEX "public"."outbox_messages_due_idx"');
    await queryRunner.query('DROP INDEX "public"."outbox_messages_tenant_created_idx"');
    await queryRunner.query('DROP INDEX "public"."outbox_messages_subject_idx"');
    await queryRunner.query('DROP TABLE "outbox_messages"');
    await queryRunner.query('DROP INDEX "public"."invitations_tenant_created_idx"');
    await queryRunner.query('DROP INDEX "public"."invitations_tenant_email_idx"');
    await queryRunner.query('DROP INDEX "public"."invitations_tenant_token_prefix_key"');
    await queryRunner.query('DROP INDEX "public"."invitations_token_prefix_idx"');
    await queryRunner.query('DROP TABLE "invitations"');
  }
}
