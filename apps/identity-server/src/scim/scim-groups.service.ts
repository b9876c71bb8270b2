import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  applyPatch,
  GROUP_RESOURCE,
  invalidValue,
  normalizeResource,
  parsePatch,
  project,
  SCHEMAS,
  ScimError,
} from '#scim';
import { isUuid, newId } from '#database';
import { AuditService } from '../audit/audit.service.js';
import { PolicyService } from '../policy/policy.service.js';
import type { RequestMeta } from '../common/principal.js';
import { uniqueViolation } from '../common/db-errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { MembershipsRepository, shownName } from '../members/index.js';
import { TeamsService } from '../teams/index.js';
import { GROUP_ATTRIBUTES } from './scim-attributes.js';
import { SCIM_BASE_PATH } from './scim-errors.js';
import {
  assertNoNul,
  checkIfMatch,
  listResponse,
  nextUpdate,
  readPage,
  versionOf,
  wants,
  type ListParams,
  type ListSource,
  type Projection,
  type ScimResource,
} from './scim-protocol.js';
import type { ScimResourceAdapter } from './scim-resource-adapter.js';
import type { ScimCaller } from './scim-tokens.service.js';

interface TeamRow {
  id: string;
  name: string;
  external_id: string | null;
  parent_id: string | null;
  created_at: Date;
  updated_at: Date;
}

interface Member {
  value: string;
  display: string;
}

/** What a SCIM Group sets on a team. */
interface GroupFields {
  name: string;
  externalId: string | null;
  memberIds: string[];
}

const COLUMNS = 't.id, t.name, t.external_id, t.parent_id, t.created_at, t.updated_at';

const GROUPS: ListSource = {
  from: 'teams t',
  alias: 't',
  columns: COLUMNS,
  conditions: [],
  attributes: GROUP_ATTRIBUTES,
  coreSchema: SCHEMAS.group,
};

/** Shown in errors: enough ids to find the culprits, not the whole request back. */
const IDS_IN_ERRORS = 5;

/**
 * SCIM Groups are the tenant's teams: displayName is the team name, members are team_members
 * rows (member value = membership id). Groups created over SCIM are root teams. A change to a
 * group's members locks the team row, reads the members, applies the change and writes only the
 * difference, so concurrent PATCHes are serialized and never lose a member.
 */
@Injectable()
export class ScimGroupsService implements ScimResourceAdapter {
  /** PATCH answers 204 unless a projection is asked: what Entra ID expects of a group PATCH. */
  readonly patchAnswer = 'noContentUnlessProjected';

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly policies: PolicyService,
    private readonly teams: TeamsService,
    private readonly memberships: MembershipsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(caller: ScimCaller, params: ListParams): Promise<ScimResource> {
    const { rows, totalResults } = await readPage<TeamRow>(
      this.dataSource,
      GROUPS,
      caller.tenantId,
      params,
    );
    // Entra ID lists groups with excludedAttributes=members: the members are not read then.
    const members = wants(params, 'members', SCHEMAS.group)
      ? await this.membersOf(
          this.dataSource.manager,
          caller.tenantId,
          rows.map((r) => r.id),
        )
      : null;
    const resources = rows.map((row) =>
      project(this.toResource(row, members?.get(row.id) ?? null), GROUP_RESOURCE, params),
    );
    return listResponse(resources, totalResults, params.startIndex);
  }

  async get(caller: ScimCaller, id: string, projection: Projection): Promise<ScimResource> {
    const em = this.dataSource.manager;
    const row = await this.find(em, caller.tenantId, id, false);
    const members = wants(projection, 'members', SCHEMAS.group)
      ? ((await this.membersOf(em, caller.tenantId, [id])).get(id) ?? [])
      : null;
    return this.toResource(row, members);
  }

  /** The resource as asked for (attributes / excludedAttributes). */
  shape(group: ScimResource, projection: Projection): ScimResource {
    return project(group, GROUP_RESOURCE, projection);
  }

  async create(caller: ScimCaller, body: unknown, meta: RequestMeta): Promise<ScimResource> {
    assertNoNul(body);
    const fields = fieldsOf(normalizeResource(body, GROUP_RESOURCE));
    return this.write(taken(fields.name), async (em) => {
      const members = await this.lockMembers(em, caller.tenantId, fields.memberIds);
      const now = new Date();
      const row: TeamRow = {
        id: newId(),
        name: fields.name,
        external_id: fields.externalId,
        parent_id: null,
        created_at: now,
        updated_at: now,
      };
      await em.query(
        `INSERT INTO teams (tenant_id, id, name, external_id, parent_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, NULL, $5, $5)`,
        [caller.tenantId, row.id, row.name, row.external_id, now],
      );
      await this.insertMembers(em, caller.tenantId, row.id, fields.memberIds, now);
      await this.record(em, caller, 'scim.group.created', row.id, meta, {
        after: {
          displayName: row.name,
          externalId: row.external_id,
          membersAdded: fields.memberIds,
        },
      });
      return this.toResource(row, members);
    });
  }

  /** PUT: name, externalId and the whole member list are replaced. */
  replace(
    caller: ScimCaller,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    meta: RequestMeta,
  ): Promise<ScimResource> {
    assertNoNul(body);
    const replacement = normalizeResource(body, GROUP_RESOURCE);
    return this.update(caller, id, ifMatch, meta, () => replacement);
  }

  patch(
    caller: ScimCaller,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    meta: RequestMeta,
  ): Promise<ScimResource> {
    assertNoNul(body);
    const operations = parsePatch(body);
    return this.update(caller, id, ifMatch, meta, (current) =>
      applyPatch(current, operations, GROUP_RESOURCE),
    );
  }

  /** Deletes the team (the teams feature's delete): sub-teams move up, its members leave it. */
  async remove(
    caller: ScimCaller,
    id: string,
    ifMatch: string | undefined,
    meta: RequestMeta,
  ): Promise<void> {
    if (!isUuid(id)) throw notFound(id);
    await this.teams.remove(
      {
        tenantId: caller.tenantId,
        actor: { type: 'scim_token', id: caller.tokenId },
        meta,
        source: 'scim',
      },
      id,
      'move_up',
      (team) => checkIfMatch(ifMatch, versionOf(team.updatedAt)),
    );
  }

  private async update(
    caller: ScimCaller,
    id: string,
    ifMatch: string | undefined,
    meta: RequestMeta,
    next: (current: ScimResource) => ScimResource,
  ): Promise<ScimResource> {
    const { tenantId } = caller;
    let name = '';
    return this.write(
      () => taken(name)(),
      async (em) => {
        const row = await this.find(em, tenantId, id, true);
        checkIfMatch(ifMatch, versionOf(row.updated_at));
        const current = (await this.membersOf(em, tenantId, [id])).get(id) ?? [];
        const fields = fieldsOf(
          normalizeResource(next(this.toResource(row, current)), GROUP_RESOURCE),
        );
        name = fields.name;
        const before = new Set(current.map((m) => m.value));
        const after = new Set(fields.memberIds);
        const added = fields.memberIds.filter((m) => !before.has(m));
        const removed = current.map((m) => m.value).filter((m) => !after.has(m));
        const renamed = fields.name !== row.name;
        const externalChanged = fields.externalId !== row.external_id;
        if (!renamed && !externalChanged && added.length === 0 && removed.length === 0)
          return this.toResource(row, current);
        const addedMembers = await this.lockMembers(em, tenantId, added);
        const updated: TeamRow = {
          ...row,
          name: fields.name,
          external_id: fields.externalId,
          updated_at: nextUpdate(row.updated_at),
        };
        await em.query(
          'UPDATE teams SET name = $3, external_id = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2',
          [tenantId, id, updated.name, updated.external_id, updated.updated_at],
        );
        if (removed.length > 0) {
          await em.query(
            'DELETE FROM team_members WHERE tenant_id = $1 AND team_id = $2 AND membership_id = ANY($3::uuid[])',
            [tenantId, id, removed],
          );
        }
        await this.insertMembers(em, tenantId, id, added, updated.updated_at);
        await this.record(em, caller, 'scim.group.updated', id, meta, {
          before: {
            ...(renamed ? { displayName: row.name } : {}),
            ...(externalChanged ? { externalId: row.external_id } : {}),
          },
          after: {
            ...(renamed ? { displayName: updated.name } : {}),
            ...(externalChanged ? { externalId: updated.external_id } : {}),
            ...(added.length > 0 ? { membersAdded: added } : {}),
            ...(removed.length > 0 ? { membersRemoved: removed } : {}),
          },
        });
        const kept = current.filter((m) => after.has(m.value));
        return this.toResource(updated, [...kept, ...addedMembers]);
      },
    );
  }

  /**
   * The members to add, each a member of this tenant (not removed), share-locked so that a
   * concurrent removal waits for this change and then takes the membership out again. Any other
   * value is 400 invalidValue and nothing is written.
   */
  private async lockMembers(em: EntityManager, tenantId: string, ids: string[]): Promise<Member[]> {
    if (ids.length === 0) return [];
    const malformed = ids.filter((id) => !isUuid(id));
    const found =
      malformed.length > 0 ? [] : await this.memberships.of(tenantId, em).lockListed(ids);
    const known = new Set(found.map((m) => m.id));
    const unknown = malformed.length > 0 ? malformed : ids.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw invalidValue(
        `${unknown.length} member value(s) are not users of this organization: ${unknown
          .slice(0, IDS_IN_ERRORS)
          .map((v) => JSON.stringify(v))
          .join(', ')}${unknown.length > IDS_IN_ERRORS ? ', …' : ''}`,
      );
    }
    const byId = new Map(found.map((m) => [m.id, shownName(m)]));
    return ids.map((id) => ({ value: id, display: byId.get(id) ?? '' }));
  }

  /** One statement whatever the count (unnest), so a 10,000-member PATCH is one round trip. */
  private async insertMembers(
    em: EntityManager,
    tenantId: string,
    teamId: string,
    ids: string[],
    at: Date,
  ): Promise<void> {
    if (ids.length === 0) return;
    await em.query(
      `INSERT INTO team_members (tenant_id, team_id, membership_id, lead, created_at)
       SELECT $1, $2, m, false, $4 FROM unnest($3::uuid[]) AS m
       ON CONFLICT DO NOTHING`,
      [tenantId, teamId, ids, at],
    );
  }

  /** Runs a write; a name taken among sibling teams is 409 uniqueness (RFC 7644 §3.3). */
  private async write<T>(
    conflict: () => string,
    work: (em: EntityManager) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      if (uniqueViolation(error) === 'teams_sibling_name_key')
        throw new ScimError(409, 'uniqueness', conflict());
      throw error;
    }
  }

  private async record(
    em: EntityManager,
    caller: ScimCaller,
    type: string,
    teamId: string,
    meta: RequestMeta,
    changes: { before?: Record<string, unknown>; after?: Record<string, unknown> },
  ): Promise<void> {
    await this.audit.record(em, {
      tenantId: caller.tenantId,
      type,
      actor: { type: 'scim_token', id: caller.tokenId },
      target: { type: 'team', id: teamId },
      meta,
      changes,
    });
    // Team membership decides team grants: the tenant's cached policies drop on every instance.
    await this.policies.changed(em, caller.tenantId);
  }

  private async find(
    em: EntityManager,
    tenantId: string,
    id: string,
    lock: boolean,
  ): Promise<TeamRow> {
    const rows: TeamRow[] = isUuid(id)
      ? await em.query(
          `SELECT ${COLUMNS} FROM teams t WHERE t.tenant_id = $1 AND t.id = $2${lock ? ' FOR UPDATE' : ''}`,
          [tenantId, id],
        )
      : [];
    const row = rows[0];
    if (!row) throw notFound(id);
    return row;
  }

  private async membersOf(
    em: EntityManager,
    tenantId: string,
    teamIds: string[],
  ): Promise<Map<string, Member[]>> {
    const out = new Map<string, Member[]>();
    if (teamIds.length === 0) return out;
    const rows: {
      team_id: string;
      id: string;
      display_name: string | null;
      username: string;
      name: object | null;
    }[] = await em.query(
      `SELECT tm.team_id, m.id, m.display_name, m.username, m.scim->'name' AS name FROM team_members tm
         JOIN memberships m ON m.tenant_id = tm.tenant_id AND m.id = tm.membership_id
        WHERE tm.tenant_id = $1 AND tm.team_id = ANY($2::uuid[]) AND m.status <> 'removed'
        ORDER BY tm.created_at, m.id`,
      [tenantId, teamIds],
    );
    for (const r of rows) {
      const list = out.get(r.team_id) ?? [];
      list.push({
        value: r.id,
        display: shownName({
          displayName: r.display_name,
          username: r.username,
          scim: { name: r.name },
        }),
      });
      out.set(r.team_id, list);
    }
    return out;
  }

  private toResource(row: TeamRow, members: Member[] | null): ScimResource {
    const base = `${this.config.publicUrl}${SCIM_BASE_PATH}`;
    return {
      schemas: [SCHEMAS.group],
      id: row.id,
      ...(row.external_id !== null ? { externalId: row.external_id } : {}),
      displayName: row.name,
      ...(members
        ? {
            members: members.map((m) => ({
              value: m.value,
              $ref: `${base}/Users/${m.value}`,
              display: m.display,
              type: 'User',
            })),
          }
        : {}),
      meta: {
        resourceType: 'Group',
        created: row.created_at.toISOString(),
        lastModified: row.updated_at.toISOString(),
        location: `${base}/Groups/${row.id}`,
        version: versionOf(row.updated_at),
      },
    };
  }
}

function notFound(id: string): ScimError {
  return new ScimError(404, undefined, `Group ${id} not found`);
}

function taken(name: string): () => string {
  return () => `A group named "${name}" already exists at that level`;
}

function fieldsOf(resource: ScimResource): GroupFields {
  const name = typeof resource.displayName === 'string' ? resource.displayName.trim() : '';
  if (!name) throw invalidValue('displayName is required');
  if (name.length > 100) throw invalidValue('displayName is longer than 100 characters');
  const externalId = resource.externalId;
  if (externalId !== undefined && externalId !== null && typeof externalId !== 'string')
    throw invalidValue('externalId is a string');
  if (typeof externalId === 'string' && externalId.length > 255)
    throw invalidValue('externalId is longer than 255 characters');
  const members = Array.isArray(resource.members) ? (resource.members as unknown[]) : [];
  const ids = members.map((m) => {
    const value = (m as { value?: unknown } | null)?.value;
    if (typeof value !== 'string' || value === '')
      throw invalidValue('Each member needs a "value": the id of a user');
    return value.toLowerCase();
  });
  return { name, externalId: externalId || null, memberIds: [...new Set(ids)] };
}
