import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in with identity providers: identities get an id (to list and unlink them), the email and
 * username the provider last asserted, and a unique key over (provider, directory, subject) with
 * NULLs not distinct; sessions record the identity and its directory; SSO exchange codes.
 */
export class Sso1796176055178 implements MigrationInterface {
  name = 'Sso1796176055178';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "sso_codes" ("id" uuid NOT NULL, "prefix" character varying(16) NOT NULL, "code_hash" bytea NOT NULL, "account_id" uuid NOT NULL, "identity_id" uuid NOT NULL, "sign_in_method" character varying(16) NOT NULL, "sign_in_directory" character varying(64), "mfa_asserted" boolean NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_bc0f7713f36b6a7ca181752b367" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "sso_codes_prefix_key" ON "sso_codes"  ("prefix") ',
    );
    await queryRunner.query('ALTER TABLE "account_identities" ADD "id" uuid');
    await queryRunner.query('UPDATE "account_identities" SET "id" = gen_random_uuid()');
    await queryRunner.query('ALTER TABLE "account_identities" ALTER COLUMN "id" SET NOT NULL');
    await queryRunner.query(
      'ALTER TABLE "account_identities" DROP CONSTRAINT "PK_9888d7b0b26e9b9f07f7b5b8e3c"',
    );
    await queryRunner.query(
      'ALTER TABLE "account_identities" ADD CONSTRAINT "PK_03a85f9b5b43e86ca9d6f5ec0f7" PRIMARY KEY ("id")',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "account_identities_key" ON "account_identities" ("provider", "directory_id", "subject") NULLS NOT DISTINCT',
    );
    await queryRunner.query('ALTER TABLE "account_identities" ADD "email" character varying(254)');
    await queryRunner.query(
      'ALTER TABLE "account_identities" ADD "email_verified" boolean NOT NULL DEFAULT false',
    );
    await queryRunner.query(
      'ALTER TABLE "account_identities" ADD "username" character varying(254)',
    );
    await queryRunner.query(
      'ALTER TABLE "account_identities" ADD "last_used_at" TIMESTAMP WITH TIME ZONE',
    );
    await queryRunner.query('ALTER TABLE "sessions" ADD "identity_id" uuid');
    await queryRunner.query('ALTER TABLE "sessions" ADD "sign_in_directory" character varying(64)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "sessions" DROP COLUMN "sign_in_directory"');
    await queryRunner.query('ALTER TABLE "sessions" DROP COLUMN "identity_id"');
    await queryRunner.query('ALTER TABLE "account_identities" DROP COLUMN "last_used_at"');
    await queryRunner.query('ALTER TABLE "account_identities" DROP COLUMN "username"');
    await queryRunner.query('ALTER TABLE "account_identities" DROP COLUMN "email_verified"');
    await queryRunner.query('ALTER TABLE "account_identities" DROP COLUMN "email"');
    await queryRunner.query('DROP INDEX "public"."account_identities_key"');
    await queryRunner.query(
      'ALTER TABLE "account_identities" DROP CONSTRAINT "PK_03a85f9b5b43e86ca9d6f5ec0f7"',
    );
    await queryRunner.query(
      'ALTER TABLE "account_identities" ADD CONSTRAINT "PK_9888d7b0b26e9b9f07f7b5b8e3c" PRIMARY KEY ("provider", "subject")',
    );
    await queryRunner.query('ALTER TABLE "account_identities" DROP COLUMN "id"');
    await queryRunner.query('DROP INDEX "public"."sso_codes_prefix_key"');
    await queryRunner.query('DROP TABLE "sso_codes"');
  }
}
