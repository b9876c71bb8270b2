import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Policies read a member's stored attributes (`${member.email}`, `${member.department}`…, issue
 * #15), so a change to them must drop every instance's cached policies for the tenant, whichever
 * way it was written (the admin API, SCIM, sign-in linking). A trigger announces it on the
 * invalidation channel; PostgreSQL delivers it at commit, once per tenant and transaction.
 */
export class MemberPolicyAttributes1796300000100 implements MigrationInterface {
  name = 'MemberPolicyAttributes1796300000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION identity_member_attributes_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('identity_invalidation',
          json_build_object('kind', 'policy', 'id', NEW.tenant_id)::text);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER memberships_policy_attributes
      AFTER UPDATE OF email, username, external_id, display_name, scim ON memberships
      FOR EACH ROW WHEN (OLD.email IS DISTINCT FROM NEW.email
        OR OLD.username IS DISTINCT FROM NEW.username
        OR OLD.external_id IS DISTINCT FROM NEW.external_id
        OR OLD.display_name IS DISTINCT FROM NEW.display_name
        OR OLD.scim IS DISTINCT FROM NEW.scim)
      EXECUTE FUNCTION identity_member_attributes_changed()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER memberships_policy_attributes ON memberships');
    await queryRunner.query('DROP FUNCTION identity_member_attributes_changed()');
  }
}
