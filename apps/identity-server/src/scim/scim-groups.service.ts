import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  GROUP_RESOURCE,
  invalidValue,
  normalizeResource,
  project,
  SCHEMAS,
  ScimError,
} from '#scim';
import { isUuid } from '#database';
import { DomainException, ErrorCode } from '../common/errors.js';
import type { RequestMeta } from '../common/principal.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import {
  TeamsService,
  type DirectMember,
  type ProvisionedTeam,
  type TeamCommand,
  type TeamWithMembers,
} from '../teams/index.js';
import { GROUP_ATTRIBUTES } from './scim-attributes.js';
import { SCIM_BASE_PATH } from './scim-errors.js';
import {
  assertNoNul,
  checkIfMatch,
  listResponse,
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

/** A row of the SCIM list's read model (below). */
interface TeamRow {
  id: string;
  name: string;
  external_id: string | null;
  parent_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** What a Group shows of a team. */
interface GroupTeam {
  id: string;
  name: string;
  externalId?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

function groupTeamOf(row: TeamRow): GroupTeam {
  return {
    id: row.id,
    name: row.name,
    externalId: row.external_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The SCIM list and filter are a read model over the teams table (the filter translates to SQL
 * over `teams t`, see scim-protocol's readPage): reads only, so they stay here rather than in the
 * teams repository, which owns every write and every read a command makes.
 */
const GROUPS: ListSource = {
  from: 'teams t',
  alias: 't',
  columns: 't.id, t.name, t.external_id, t.parent_id, t.created_at, t.updated_at',
  conditions: [],
  attributes: GROUP_ATTRIBUTES,
  coreSchema: SCHEMAS.group,
};

/**
 * SCIM Groups are the tenant's teams: displayName is the team name, members are the team's
 * direct members (member value = membership id). This adapter translates: it parses and checks
 * the body, applies a PATCH to the current resource, and calls the teams service, which locks,
 * checks the members, writes the difference, audits (`scim.group.*`) and announces the change.
 */
@Injectable()
export class ScimGroupsService implements ScimResourceAdapter {
  readonly resourceType = GROUP_RESOURCE;
  /** PATCH answers 204 unless a projection is asked: what Entra ID expects of a group PATCH. */
  readonly patchAnswer = 'noContentUnlessProjected';

  constructor(
    private readonly dataSource: DataSource,
    private readonly teams: TeamsService,
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
      ? await this.teams.membersOf(
          caller.tenantId,
          rows.map((r) => r.id),
        )
      : null;
    const resources = rows.map((row) =>
      project(
        this.toResource(groupTeamOf(row), members?.get(row.id) ?? null),
        GROUP_RESOURCE,
        params,
      ),
    );
    return listResponse(resources, totalResults, params.startIndex);
  }

  async get(caller: ScimCaller, id: string, projection: Projection): Promise<ScimResource> {
    const group = await this.teams.withMembers(
      caller.tenantId,
      id,
      wants(projection, 'members', SCHEMAS.group),
    );
    if (!group) throw notFound(id);
    return this.toResource(group.team, group.members);
  }

  /** POST: a top-level team with its first members. */
  async create(caller: ScimCaller, body: unknown, meta: RequestMeta): Promise<ScimResource> {
    assertNoNul(body);
    const fields = fieldsOf(normalizeResource(body, GROUP_RESOURCE));
    const { team, members } = await this.teams.provision(commandOf(caller, meta), fields);
    return this.toResource(team, members);
  }

  /** Deletes the team (the teams feature's delete): sub-teams move up, its members leave it. */
  async remove(
    caller: ScimCaller,
    id: string,
    ifMatch: string | undefined,
    meta: RequestMeta,
  ): Promise<void> {
    if (!isUuid(id)) throw notFound(id);
    await this.teams.remove(commandOf(caller, meta), id, 'move_up', (team) =>
      checkIfMatch(ifMatch, versionOf(team.updatedAt)),
    );
  }

  /** PUT and PATCH: `next` computes the new representation from the current one, under the lock. */
  async update(
    caller: ScimCaller,
    id: string,
    ifMatch: string | undefined,
    meta: RequestMeta,
    next: (current: ScimResource) => ScimResource,
  ): Promise<ScimResource> {
    if (!isUuid(id)) throw notFound(id);
    const { team, members } = await this.teams
      .updateProvisioned(
        commandOf(caller, meta),
        id,
        (current: TeamWithMembers): ProvisionedTeam => {
          checkIfMatch(ifMatch, versionOf(current.team.updatedAt));
          const resource = this.toResource(current.team, current.members);
          return fieldsOf(normalizeResource(next(resource), GROUP_RESOURCE));
        },
      )
      .catch((error: unknown) => {
        // The detail a SCIM client has always read for a group that is not there.
        if (error instanceof DomainException && error.code === ErrorCode.TeamNotFound)
          throw notFound(id);
        throw error;
      });
    return this.toResource(team, members);
  }

  private toResource(team: GroupTeam, members: DirectMember[] | null): ScimResource {
    const base = `${this.config.publicUrl}${SCIM_BASE_PATH}`;
    return {
      schemas: [SCHEMAS.group],
      id: team.id,
      ...(typeof team.externalId === 'string' ? { externalId: team.externalId } : {}),
      displayName: team.name,
      ...(members
        ? {
            members: members.map((m) => ({
              value: m.id,
              $ref: `${base}/Users/${m.id}`,
              display: m.display,
              type: 'User',
            })),
          }
        : {}),
      meta: {
        resourceType: 'Group',
        created: team.createdAt.toISOString(),
        lastModified: team.updatedAt.toISOString(),
        location: `${base}/Groups/${team.id}`,
        version: versionOf(team.updatedAt),
      },
    };
  }
}

function commandOf(caller: ScimCaller, meta: RequestMeta): TeamCommand {
  return {
    tenantId: caller.tenantId,
    actor: { type: 'scim_token', id: caller.tokenId },
    meta,
    source: 'scim',
  };
}

function notFound(id: string): ScimError {
  return new ScimError(404, undefined, `Group ${id} not found`);
}

function fieldsOf(resource: ScimResource): ProvisionedTeam {
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
