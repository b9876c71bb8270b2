import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Custom roles, teams (nested: departments) and team membership with leads. */

export class TeamsAndRoles1795599842496 implements MigrationInterface {
  name = 'TeamsAndRoles1795599842496';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "roles" ("tenant_id" uuid NOT NULL, "key" character varying(64) NOT NULL, "name" character varying(100) NOT NULL, "description" character varying(500) NOT NULL DEFAULT \'\', "permissions" jsonb NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_a93cb957cd57b34fdb74b1d1de1" PRIMARY KEY ("tenant_id", "key"))',
    );
    await queryRunner.query(
      'CREATE INDEX "roles_tenant_created_idx" ON "roles"  ("tenant_id", "created_at", "key") ',
    );
    await queryRunner.query(
      'CREATE TABLE "teams" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "name" character varying(100) NOT NULL, "description" character varying(500) NOT NULL DEFAULT \'\', "parent_id" uuid, "permissions" jsonb NOT NULL DEFAULT \'[]\', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_e0ceda1b06ef2999995f527fa5d" PRIMARY KEY ("tenant_id", "id"))',
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "teams_sibling_name_key" ON "teams" ("tenant_id", COALESCE("parent_id", '00000000-0000-0000-0000-000000000000'::uuid), lower("name"))`,
    );
    await queryRunner.query(
      'CREATE INDEX "teams_tenant_parent_idx" ON "teams"  ("tenant_id", "parent_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "teams_tenant_created_idx" ON "teams"  ("tenant_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "team_members" ("tenant_id" uuid NOT NULL, "team_id" uuid NOT NULL, "membership_id" uuid NOT NULL, "lead" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "PK_b327e60c378bda0cb94496e581d" PRIMARY KEY ("tenant_id", "team_id", "membership_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "team_members_member_idx" ON "team_members"  ("tenant_id", "membership_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "roles" ADD CONSTRAINT "roles_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "teams" ADD CONSTRAINT "teams_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "teams" ADD CONSTRAINT "teams_parent_fk" FOREIGN KEY ("tenant_id", "parent_id") REFERENCES "teams"("tenant_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "team_members" ADD CONSTRAINT "team_members_team_fk" FOREIGN KEY ("tenant_id", "team_id") REFERENCES "teams"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "team_members" ADD CONSTRAINT "team_members_membership_fk" FOREIGN KEY ("tenant_id", "membership_id") REFERENCES "memberships"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "team_members" DROP CONSTRAINT "team_members_membership_fk"',
    );
    await queryRunner.query('ALTER TABLE "team_members" DROP CONSTRAINT "team_members_team_fk"');
    await queryRunner.query('ALTER TABLE "teams" DROP CONSTRAINT "teams_parent_fk"');
    await queryRunner.query('ALTER TABLE "teams" DROP CONSTRAINT "teams_tenant_fk"');
    await queryRunner.query('ALTER TABLE "roles" DROP CONSTRAINT "roles_tenant_fk"');
    await queryRunner.query('DROP INDEX "public"."team_members_member_idx"');
    await queryRunner.query('DROP TABLE "team_members"');
    await queryRunner.query('DROP INDEX "public"."teams_tenant_created_idx"');
    await queryRunner.query('DROP INDEX "public"."teams_sibling_name_key"');
    await queryRunner.query('DROP INDEX "public"."teams_tenant_parent_idx"');
    await queryRunner.query('DROP TABLE "teams"');
    await queryRunner.query('DROP INDEX "public"."roles_tenant_created_idx"');
    await queryRunner.query('DROP TABLE "roles"');
  }
}
