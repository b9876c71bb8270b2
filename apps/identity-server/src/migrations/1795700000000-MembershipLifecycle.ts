import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Memberships for one lifecycle:
 * - Every member's SCIM view names their email (`emails`), so SCIM lookups by email find
 *   invited members too.
 * - `display_name` may be unassigned (a SCIM user whose displayName was removed, RFC 7644
 *   §3.5.2.2); views derive a name for people then.
 * - `provisioned_at` marks members an identity provider claimed (created or adopted over SCIM),
 *   back-filled from the audit trail. A SCIM create whose email is that of a member nobody
 *   provisioned adopts that member instead of making a second one with the same email.
 * - `provision_member` (the one-round-trip SCIM create) now answers `adopt:<id>` when such a
 *   member exists, after taking the tenant's lock and before checking seats or writing, and
 *   `seat_limit:<maxMembers>` so that the refusal can say the limit without another query.
 */
export class MembershipLifecycle1795700000000 implements MigrationInterface {
  name = 'MembershipLifecycle1795700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "memberships" ALTER COLUMN "display_name" DROP NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "memberships" ADD "provisioned_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(`
      UPDATE memberships m SET provisioned_at = a.at
        FROM audit_events a
       WHERE a.tenant_id = m.tenant_id AND a.type = 'scim.user.created' AND a.target_id = m.id::text`);
    await queryRunner.query(
      `UPDATE memberships SET provisioned_at = created_at WHERE provisioned_at IS NULL AND external_id IS NOT NULL`,
    );
    // Members that joined by invitation or founded the tenant carry their email in the SCIM view too.
    await queryRunner.query(`
      UPDATE memberships
         SET scim = jsonb_set(scim, '{emails}', jsonb_build_array(
                      jsonb_build_object('value', email, 'type', 'work', 'primary', true)))
       WHERE NOT (scim ? 'emails') AND email <> ''`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION provision_member(p_tenant uuid, p_member jsonb, p_audit jsonb, p_check_seat boolean)
      RETURNS text LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        v_max integer;
        v_adopt uuid;
      BEGIN
        SELECT (settings->>'maxMembers')::integer INTO v_max FROM tenants WHERE id = p_tenant FOR UPDATE;
        IF NOT FOUND THEN
          RETURN 'no_tenant';
        END IF;
        IF coalesce(p_member->>'email', '') <> '' THEN
          SELECT id INTO v_adopt FROM memberships
           WHERE tenant_id = p_tenant AND lower(email) = lower(p_member->>'email')
             AND status <> 'removed' AND external_id IS NULL AND provisioned_at IS NULL
           ORDER BY created_at, id LIMIT 1;
          IF FOUND THEN
            RETURN 'adopt:' || v_adopt;
          END IF;
        END IF;
        IF p_check_seat AND
           (SELECT active_members FROM tenant_seats WHERE tenant_id = p_tenant)
           + (SELECT count(*) FROM invitations
               WHERE tenant_id = p_tenant AND status = 'pending' AND expires_at > now()) >= v_max THEN
          RETURN 'seat_limit:' || v_max;
        END IF;
        INSERT INTO memberships SELECT * FROM jsonb_populate_record(NULL::memberships, p_member);
        INSERT INTO audit_events SELECT * FROM jsonb_populate_record(NULL::audit_events, p_audit);
        RETURN 'created';
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION provision_member(p_tenant uuid, p_member jsonb, p_audit jsonb, p_check_seat boolean)
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
    await queryRunner.query(`ALTER TABLE "memberships" DROP COLUMN "provisioned_at"`);
    await queryRunner.query(
      `UPDATE memberships SET display_name = username WHERE display_name IS NULL`,
    );
    await queryRunner.query(`ALTER TABLE "memberships" ALTER COLUMN "display_name" SET NOT NULL`);
  }
}
