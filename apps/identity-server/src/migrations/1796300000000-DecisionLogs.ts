import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Decision logs of the policy decision point: paged and expired on (tenant_id, at, id); the
 * subject and resource filters read the JSON inputs, so their indexes are expression indexes
 * (kept here, not in the entity). decision and action name are filtered on the time index.
 */
export class DecisionLogs1796300000000 implements MigrationInterface {
  name = 'DecisionLogs1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "decision_logs" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "request_id" character varying(200), "endpoint" character varying(32) NOT NULL, "decision" boolean NOT NULL, "subject" jsonb NOT NULL, "action" jsonb NOT NULL, "resource" jsonb NOT NULL, "context" jsonb, "reason" jsonb, CONSTRAINT "PK_bec33ad7d560c021de3d162cff9" PRIMARY KEY ("tenant_id", "id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "decision_logs_tenant_at_idx" ON "decision_logs" ("tenant_id", "at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "decision_logs_tenant_request_idx" ON "decision_logs" ("tenant_id", "request_id") ',
    );
    await queryRunner.query(
      `CREATE INDEX "decision_logs_tenant_subject_idx" ON "decision_logs" ("tenant_id", ("subject"->>'id'), "at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "decision_logs_tenant_resource_idx" ON "decision_logs" ("tenant_id", ("resource"->>'type'), ("resource"->>'id'), "at", "id")`,
    );
    await queryRunner.query(
      'ALTER TABLE "decision_logs" ADD CONSTRAINT "decision_logs_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "decision_logs"');
  }
}
