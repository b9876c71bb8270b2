import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seats without counting members. `tenant_seats.active_members` is kept by triggers: a row per
 * tenant from its creation, moved by every membership insert, status change or delete. Writes
 * that change memberships already hold the tenant's lock, so the counter row adds no contention.
 *
 * `provision_member(tenant, member, audit, check_seat)` inserts a membership and its audit event
 * after locking the tenant row and (for an active member) checking the seats, in one round trip.
 * It is VOLATILE, so each statement inside takes a fresh snapshot: the seat check runs after the
 * lock and sees every create committed before it. Answers 'created', 'seat_limit' or
 * 'no_tenant'; a taken username raises the unique violation as a plain INSERT would.
 */
export class SeatCounter1795604292289 implements MigrationInterface {
  name = 'SeatCounter1795604292289';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "tenant_seats" ("tenant_id" uuid NOT NULL, "active_members" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_e5fb9e46bb025def976afeb1d0b" PRIMARY KEY ("tenant_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "tenant_seats" ADD CONSTRAINT "tenant_seats_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`
      INSERT INTO tenant_seats (tenant_id, active_members)
      SELECT t.id, (SELECT count(*) FROM memberships m WHERE m.tenant_id = t.id AND m.status = 'active')
        FROM tenants t`);
    await queryRunner.query(`
      CREATE FUNCTION tenant_seats_open() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO tenant_seats (tenant_id, active_members) VALUES (NEW.id, 0);
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER tenant_seats_open AFTER INSERT ON tenants
      FOR EACH ROW EXECUTE FUNCTION tenant_seats_open()`);
    await queryRunner.query(`
      CREATE FUNCTION tenant_seats_count() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        delta integer := 0;
        tenant uuid;
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'active' THEN
          delta := delta - 1;
          tenant := OLD.tenant_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'active' THEN
          delta := delta + 1;
          tenant := NEW.tenant_id;
        END IF;
        IF delta <> 0 THEN
          UPDATE tenant_seats SET active_members = active_members + delta WHERE tenant_id = tenant;
        END IF;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER tenant_seats_count AFTER INSERT OR DELETE OR UPDATE OF status ON memberships
      FOR EACH ROW EXECUTE FUNCTION tenant_seats_count()`);
    await queryRunner.query(`
      CREATE FUNCTION provision_member(p_tenant uuid, p_member jsonb, p_audit jsonb, p_check_seat boolean)
      RETURNS text LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        v_max integer;
      BEGIN
        SELECT (settings->>'maxMembers')::integer INTO v_max FROM tenants WHERE id = p_tenant FOR UPDATE;
        IF NOT FOUND THEN
          RETURN 'no_tenant';
        END IF;
        IF p_check_seat AND
           (SELECT active_members FROM tenant_seats WHERE tenant_id = p_tenant)
           + (SELECT count(*) FROM invitations
               WHERE tenant_id = p_tenant AND status = 'pending' AND expires_at > now()) >= v_max THEN
          RETURN 'seat_limit';
        END IF;
        INSERT INTO memberships SELECT * FROM jsonb_populate_record(NULL::memberships, p_member);
        INSERT INTO audit_events SELECT * FROM jsonb_populate_record(NULL::audit_events, p_audit);
        RETURN 'created';
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION provision_member(uuid, jsonb, jsonb, boolean)');
    await queryRunner.query('DROP TRIGGER tenant_seats_count ON memberships');
    await queryRunner.query('DROP FUNCTION tenant_seats_count()');
    await queryRunner.query('DROP TRIGGER tenant_seats_open ON tenants');
    await queryRunner.query('DROP FUNCTION tenant_seats_open()');
    await queryRunner.query('ALTER TABLE "tenant_seats" DROP CONSTRAINT "tenant_seats_tenant_fk"');
    await queryRunner.query('DROP TABLE "tenant_seats"');
  }
}
