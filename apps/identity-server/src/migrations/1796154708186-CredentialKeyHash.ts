import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys, personal keys and SCIM tokens share one set of credential columns: the SHA-256 of a
 * SCIM token is `key_hash` like the keys'. A rename, written by hand because a generated
 * migration would drop the column (and every token with it) and add an empty one.
 */
export class CredentialKeyHash1796154708186 implements MigrationInterface {
  name = 'CredentialKeyHash1796154708186';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "scim_tokens" RENAME COLUMN "token_hash" TO "key_hash"');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "scim_tokens" RENAME COLUMN "key_hash" TO "token_hash"');
  }
}
