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
    if (value && (this.generations.get(tenantId) ?? 0) === generation) {
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
    return value;
  }

  private drop(tenantId: string): void {
    this.size -= this.tenants.get(tenantId)?.size ?? 0;
    this.tenants.delete(tenantId);
    this.generations.set(tenantId, (this.generations.get(tenantId) ?? 0) + 1);
  }

  private async loadMember(tenantId: string, membershipId: string): Promise<MemberPolicy | null> {
    this.queries++;
    const rows: {
      role: string;
      status: MemberPolicy['status'];
      role_rules: PermissionRule[] | null;
      teams: { id: string; rules: PermissionRule[] }[];
    }[] = await this.dataSource.query(
      `WITH RECURSIVE up(id, parent_id, permissions) AS (
         SELECT t.id, t.parent_id, t.permissions
           FROM team_members tm
           JOIN teams t ON t.tenant_id = tm.tenant_id AND t.id = tm.team_id
          WHERE tm.tenant_id = $1 AND tm.membership_id = $2
         UNION
         SELECT p.id, p.parent_id, p.permissions
           FROM up JOIN teams p ON p.tenant_id = $1 AND p.id = up.parent_id
       )
       SELECT m.role, m.status, r.permissions AS role_rules,
              COALESCE((SELECT jsonb_agg(jsonb_build_object('id', u.id, 'rules', u.permissions))
                          FROM (SELECT DISTINCT id, permissions FROM up) u), '[]'::jsonb) AS teams
         FROM memberships m
         LEFT JOIN roles r ON r.tenant_id = m.tenant_id AND r.key = m.role
        WHERE m.tenant_id = $1 AND m.id = $2`,
      [tenantId, membershipId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      status: row.status,
      policy: compilePolicy({
        kind: 'member',
        id: membershipId,
        role: row.role,
        roleRules: builtInRules(row.role) ?? row.role_rules,
        teams: row.teams,
      }),
    };
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
