import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts, identities, passwords, sessions, refresh tokens, signing keys, MFA, throttling, personal keys. */

export class Accounts1795351515526 implements MigrationInterface {
  name = 'Accounts1795351515526';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "accounts" ("id" uuid NOT NULL, "email" character varying(254) NOT NULL, "email_verified" boolean NOT NULL, "display_name" character varying(200) NOT NULL, "avatar_url" character varying(2048), "timezone" character varying(64) NOT NULL, "notification_prefs" jsonb NOT NULL, "status" character varying(16) NOT NULL, "totp_secret" text, "totp_confirmed_at" TIMESTAMP WITH TIME ZONE, "totp_last_step" bigint, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_5a7a02c20412299d198e097a8fe" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "accounts_email_lower_key" ON "accounts" (lower("email"))',
    );
    await queryRunner.query(
      'CREATE TABLE "account_identities" ("provider" character varying(16) NOT NULL, "subject" character varying(255) NOT NULL, "account_id" uuid NOT NULL, "directory_id" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_9888d7b0b26e9b9f07f7b5b8e3c" PRIMARY KEY ("provider", "subject"))',
    );
    await queryRunner.query(
      'CREATE INDEX "account_identities_account_idx" ON "account_identities"  ("account_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "personal_api_keys" ("account_id" uuid NOT NULL, "id" uuid NOT NULL, "name" character varying(100) NOT NULL, "prefix" character varying(16) NOT NULL, "key_hash" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_27a7dd800e60c75f59b3a9efd92" PRIMARY KEY ("account_id", "id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "personal_api_keys_prefix_key" ON "personal_api_keys"  ("prefix") ',
    );
    await queryRunner.query(
      'CREATE INDEX "personal_api_keys_account_created_idx" ON "personal_api_keys"  ("account_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "recovery_codes" ("account_id" uuid NOT NULL, "id" uuid NOT NULL, "code_hash" bytea NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_c9f08aa4088caf1811b8b3038a8" PRIMARY KEY ("account_id", "id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "password_credentials" ("account_id" uuid NOT NULL, "hash" text NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_ab998f8e551dac47f496b3f858b" PRIMARY KEY ("account_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "password_history" ("account_id" uuid NOT NULL, "id" uuid NOT NULL, "hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_5f00df8ab968edafedffb6ede0f" PRIMARY KEY ("account_id", "id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "sessions" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "sign_in_method" character varying(16) NOT NULL, "mfa_verified" boolean NOT NULL, "ip" character varying(45), "user_agent" character varying(512), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" character varying(64), CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "sessions_account_idx" ON "sessions"  ("account_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "refresh_tokens" ("id" uuid NOT NULL, "session_id" uuid NOT NULL, "prefix" character varying(16) NOT NULL, "token_hash" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "refresh_tokens_prefix_key" ON "refresh_tokens"  ("prefix") ',
    );
    await queryRunner.query(
      'CREATE INDEX "refresh_tokens_session_idx" ON "refresh_tokens"  ("session_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "auth_throttle" ("key" character varying(300) NOT NULL, "failures" integer NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "locked_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_4c7fca5065c568fa2bae24a1d26" PRIMARY KEY ("key"))',
    );
    await queryRunner.query(
      'CREATE TABLE "signing_keys" ("kid" character varying(64) NOT NULL, "alg" character varying(16) NOT NULL, "public_jwk" jsonb NOT NULL, "private_key" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "retire_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_13362ac3e792c69417e1a53d355" PRIMARY KEY ("kid"))',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "signing_keys"');
    await queryRunner.query('DROP TABLE "auth_throttle"');
    await queryRunner.query('DROP INDEX "public"."refresh_tokens_session_idx"');
    await queryRunner.query('DROP INDEX "public"."refresh_tokens_prefix_key"');
    await queryRunner.query('DROP TABLE "refresh_tokens"');
    await queryRunner.query('DROP INDEX "public"."sessions_account_idx"');
    await queryRunner.query('DROP TABLE "sessions"');
    await queryRunner.query('DROP TABLE "password_history"');
    await queryRunner.query('DROP TABLE "password_credentials"');
    await queryRunner.query('DROP TABLE "recovery_codes"');
    await queryRunner.query('DROP INDEX "public"."personal_api_keys_account_created_idx"');
    await queryRunner.query('DROP INDEX "public"."personal_api_keys_prefix_key"');
    await queryRunner.query('DROP TABLE "personal_api_keys"');
    await queryRunner.query('DROP INDEX "public"."account_identities_account_idx"');
    await queryRunner.query('DROP TABLE "account_identities"');
    await queryRunner.query('DROP TABLE "accounts"');
  }
}
