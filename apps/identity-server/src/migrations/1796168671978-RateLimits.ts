import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Request counters of the rate limits (sign-up, invitation links, failed SCIM authentication),
 * shared by every instance: one row per limit and subject, reset when its window has ended.
 */
export class RateLimits1796168671978 implements MigrationInterface {
  name = 'RateLimits1796168671978';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "rate_limits" ("key" character varying(300) NOT NULL, "hits" integer NOT NULL, "window_end" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_8cb6aa4831e3e775ccf370521db" PRIMARY KEY ("key"))',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "rate_limits"');
  }
}
