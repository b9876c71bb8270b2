import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { builtInRules, compilePolicy, type PermissionRule, type Policy } from '#policy';
import { InvalidationService } from '../database/invalidation.service.js';
import { policyCacheHits, policyCacheMisses } from '../metrics/metrics.js';

export interface MemberPolicy {
  policy: Policy;
  /** The membership's status; what it grants is the members feature's (MEMBERSHIP_STATUS). */
  status: string;
}

interface Entry<T> {
  value: T;
  at: number;
}

const TTL_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/**
 * What `${member.*}` placeholders read: the stored SCIM attributes (the enterprise extension's,
 * such as department, at the top level beside the core ones), then the profile columns.
 */
function memberAttributes(row: {
  email: string;
  username: string;
  external_id: string | null;
  display_name: string;
  scim: Record<string, unknown> | null;
}): Record<string, unknown> {
  const { [ENTERPRISE_USER]: enterprise, ...core } = row.scim ?? {};
  return {
    ...Object.fromEntries(Object.entries(core).filter(([key]) => !key.startsWith('urn:'))),
    ...(typeof enterprise === 'object' && enterprise !== null ? enterprise : {}),
    email: row.email,
    username: row.username,
    ...(row.external_id !== null ? { externalId: row.external_id } : {}),
    displayName: row.display_name,
  };
}
/** Past this many cached principals (on all tenants), the cache starts over. */
const MAX_ENTRIES = 50_000;

/**
 * Compiled policies per principal, cached per instance. A write that can change a decision
 * (role, membership, team, team membership or grant) calls `changed(em, tenantId)` inside its
 * transaction: every instance drops the tenant's entries when it commits. A policy is read in
 * one query on a miss: the membership, its role's rules and every team it belongs to, directly
 * or through a parent team, with their grants.
 */
@Injectable()
export class PolicyService {
  private readonly tenants = new Map<string, Map<string, Entry<MemberPolicy>>>();
  /** Bumped on every drop, so a load that raced a change does not cache what it read. */
  private readonly generations = new Map<string, number>();
  private size = 0;
  /** SQL statements run to load policies: read by the benchmark. */
  queries = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly invalidation: InvalidationService,
  ) {
    invalidation.subscribe((event) => {
      if (event.kind === 'all') {
        this.tenants.clear();
        this.size = 0;
        this.generations.clear();
      } else if (event.kind === 'policy') this.drop(event.id);
    });
  }

  /** Announces, inside the writing transaction, that a tenant's decisions may have changed. */
  changed(em: EntityManager, tenantId: string): Promise<void> {
    return this.invalidation.announce(em, { kind: 'policy', id: tenantId });
  }

  /** A member's policy and status, or null when no such member exists in the tenant. */
  async forMember(tenantId: string, membershipId: string): Promise<MemberPolicy | null> {
    return this.cached(tenantId, membershipId, () => this.loadMember(tenantId, membershipId));
  }

  /** A tenant API key acts with its role's rules (built-in or the tenant's own); no teams. */
  async forApiKey(tenantId: string, keyId: string, role: string): Promise<Policy> {
    const entry = await this.cached(tenantId, `key:${keyId}:${role}`, async () => ({
      status: 'active' as const,
      policy: compilePolicy({
        kind: 'api_key',
        id: keyId,
        role,
        roleRules: builtInRules(role) ?? (await this.customRules(tenantId, role)),
        teams: [],
      }),
    }));
    return (entry as MemberPolicy).policy;
  }

  private async cached(
    tenantId: string,
    key: string,
    load: () => Promise<MemberPolicy | null>,
  ): Promise<MemberPolicy | null> {
    const hit = this.tenants.get(tenantId)?.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) {
      policyCacheHits.inc();
      return hit.value;
    }
    policyCacheMisses.inc();
    const generation = this.generations.get(tenantId) ?? 0;
    const value = await load();
    if (value && (this.generations.get(tenantId) ?? 0) === generation)
      this.store(tenantId, key, value);
    return value;
  }

  private store(tenantId: string, key: string, value: MemberPolicy): void {
    if (this.size >= MAX_ENTRIES) {
      this.tenants.clear();
      this.size = 0;
    }
    let entries = this.tenants.get(tenantId);
    if (!entries) {
      entries = new Map();
      this.tenants.set(tenantId, entries);
    }
    if (!entries.has(key)) this.size++;
    entries.set(key, { value, at: Date.now() });
  }

  private drop(tenantId: string): void {
    this.size -= this.tenants.get(tenantId)?.size ?? 0;
    this.tenants.delete(tenantId);
    this.generations.set(tenantId, (this.generations.get(tenantId) ?? 0) + 1);
  }

  private async loadMember(tenantId: string, membershipId: string): Promise<MemberPolicy | null> {
    return (await this.loadMembers(tenantId, [membershipId])).get(membershipId) ?? null;
  }

  /**
   * Policies of several members in one statement: each membership, its role's rules, every team
   * it belongs to (directly or through a parent team) with their grants, and the stored
   * attributes that `${member.*}` placeholders read.
   */
  private async loadMembers(tenantId: string, ids: string[]): Promise<Map<string, MemberPolicy>> {
    this.queries++;
    const rows: {
      id: string;
      role: string;
      status: MemberPolicy['status'];
      role_rules: PermissionRule[] | null;
      teams: { id: string; rules: PermissionRule[] }[];
      email: string;
      username: string;
      external_id: string | null;
      display_name: string;
      scim: Record<string, unknown> | null;
    }[] = await this.dataSource.query(
      `WITH RECURSIVE up(member_id, id, parent_id, permissions) AS (
         SELECT tm.membership_id, t.id, t.parent_id, t.permissions
           FROM team_members tm
           JOIN teams t ON t.tenant_id = tm.tenant_id AND t.id = tm.team_id
          WHERE tm.tenant_id = $1 AND tm.membership_id = ANY($2::uuid[])
         UNION
         SELECT up.member_id, p.id, p.parent_id, p.permissions
           FROM up JOIN teams p ON p.tenant_id = $1 AND p.id = up.parent_id
       )
       SELECT m.id, m.role, m.status, r.permissions AS role_rules,
              m.email, m.username, m.external_id, m.display_name, m.scim,
              COALESCE((SELECT jsonb_agg(jsonb_build_object('id', u.id, 'rules', u.permissions))
                          FROM (SELECT DISTINCT id, permissions FROM up
                                 WHERE up.member_id = m.id) u), '[]'::jsonb) AS teams
         FROM memberships m
         LEFT JOIN roles r ON r.tenant_id = m.tenant_id AND r.key = m.role
        WHERE m.tenant_id = $1 AND m.id = ANY($2::uuid[])`,
      [tenantId, ids],
    );
    const out = new Map<string, MemberPolicy>();
    for (const row of rows) {
      out.set(row.id, {
        status: row.status,
        policy: compilePolicy({
          kind: 'member',
          id: row.id,
          role: row.role,
          roleRules: builtInRules(row.role) ?? row.role_rules,
          teams: row.teams,
          attributes: memberAttributes(row),
        }),
      });
    }
    return out;
  }

  /**
   * Policies of many members at once (subject search): cached ones from the cache, the others in
   * one statement. Members that do not exist are absent from the answer.
   */
  async forMembers(tenantId: string, ids: string[]): Promise<Map<string, MemberPolicy>> {
    const out = new Map<string, MemberPolicy>();
    const missing: string[] = [];
    const entries = this.tenants.get(tenantId);
    for (const id of ids) {
      const hit = entries?.get(id);
      if (hit && Date.now() - hit.at < TTL_MS) out.set(id, hit.value);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const generation = this.generations.get(tenantId) ?? 0;
    const loaded = await this.loadMembers(tenantId, missing);
    for (const [id, value] of loaded) {
      out.set(id, value);
      if ((this.generations.get(tenantId) ?? 0) === generation) this.store(tenantId, id, value);
    }
    return out;
  }

  /**
   * The membership a caller's subject id names: the membership id, SCIM externalId, username or
   * email, in that order of precedence. Cached with the tenant's policies (dropped when a member's
   * names change); an id that names no one is looked up each time.
   */
  async resolveMember(tenantId: string, subjectId: string): Promise<string | null> {
    const key = `subject:${subjectId}`;
    const hit = this.tenants.get(tenantId)?.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) {
      policyCacheHits.inc();
      return hit.value.policy.snapshot.id;
    }
    policyCacheMisses.inc();
    const generation = this.generations.get(tenantId) ?? 0;
    this.queries++;
    const uuid = UUID.test(subjectId) ? subjectId : null;
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM memberships
        WHERE tenant_id = $1
          AND (id = $2::uuid OR external_id = $3 OR lower(username) = lower($3)
               OR lower(email) = lower($3))
        ORDER BY (id = $2::uuid) DESC NULLS LAST, (external_id = $3) DESC NULLS LAST,
                 (lower(username) = lower($3)) DESC, created_at
        LIMIT 1`,
      [tenantId, uuid, subjectId],
    );
    const id = rows[0]?.id ?? null;
    if (id === null) return null;
    const member = await this.forMember(tenantId, id);
    if (member && (this.generations.get(tenantId) ?? 0) === generation)
      this.store(tenantId, key, member);
    return id;
  }

  /**
   * Every action name the tenant's custom roles and team grants give on a subject type: what a
   * `manage` grant expands to when action search lists a member's actions.
   */
  async tenantActionNames(tenantId: string, subjectType: string): Promise<string[]> {
    this.queries++;
    const rows: { action: string }[] = await this.dataSource.query(
      `SELECT DISTINCT a.action FROM (
         SELECT permissions FROM roles WHERE tenant_id = $1
         UNION ALL SELECT permissions FROM teams WHERE tenant_id = $1
       ) src,
       LATERAL jsonb_array_elements(src.permissions) rule,
       LATERAL jsonb_array_elements_text(
         CASE jsonb_typeof(rule->'action') WHEN 'array' THEN rule->'action'
              ELSE jsonb_build_array(rule->'action') END) a(action)
       WHERE NOT COALESCE((rule->>'inverted')::boolean, false)
         AND (CASE jsonb_typeof(rule->'subject') WHEN 'array' THEN rule->'subject'
                   ELSE jsonb_build_array(rule->'subject') END) ?| ARRAY[$2, 'all']
         AND a.action <> 'manage'
       ORDER BY 1`,
      [tenantId, subjectType],
    );
    return rows.map((r) => r.action);
  }

  /** Members of the tenant after `after` (by id), a page at a time: subject search walks them. */
  async memberIds(tenantId: string, after: string | null, limit: number): Promise<string[]> {
    this.queries++;
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM memberships WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid)
        ORDER BY id LIMIT $3`,
      [tenantId, after, limit],
    );
    return rows.map((r) => r.id);
  }

  private async customRules(tenantId: string, role: string): Promise<PermissionRule[] | null> {
    this.queries++;
    const rows: { permissions: PermissionRule[] }[] = await this.dataSource.query(
      'SELECT permissions FROM roles WHERE tenant_id = $1 AND key = $2',
      [tenantId, role],
    );
    return rows[0]?.permissions ?? null;
  }
}
