import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Single-use links sent by email: sign-ups waiting for their address, email verifications and
 * password resets (token as SHA-256, found by prefix; expired rows removed by housekeeping).
 */
export class EmailTokens1796176038081 implements MigrationInterface {
  name = 'EmailTokens1796176038081';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "email_tokens" ("id" uuid NOT NULL, "account_id" uuid, "purpose" character varying(16) NOT NULL, "email" character varying(254) NOT NULL, "display_name" character varying(200), "password_hash" text, "token_prefix" character varying(16) NOT NULL, "token_hash" bytea NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_08abb3fa348e894c274a6730d35" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "email_tokens_token_prefix_key" ON "email_tokens"  ("token_prefix") ',
    );
    await queryRunner.query(
      'CREATE INDEX "email_tokens_expires_idx" ON "email_tokens"  ("expires_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "email_tokens_account_idx" ON "email_tokens"  ("account_id", "purpose") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."email_tokens_account_idx"');
    await queryRunner.query('DROP INDEX "public"."email_tokens_expires_idx"');
    await queryRunner.query('DROP INDEX "public"."email_tokens_token_prefix_key"');
    await queryRunner.query('DROP TABLE "email_tokens"');
  }
}
