import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, type Principal, type RequestMeta } from '../common/principal.js';
import { CurrentPrincipal, Meta, Permission, TenantId } from '../common/decorators.js';
import { ListQueryDto, pageArgs } from '../common/pagination.js';
import {
  AddTeamMemberDto,
  CreateTeamDto,
  DeleteTeamQueryDto,
  TeamPermissionsDto,
  TeamQueryDto,
  UpdateTeamDto,
} from './dto/team.dto.js';
import { TeamsService, type TeamEditor } from './teams.service.js';
import { ApiIdParam, ApiTenantParam } from '../common/openapi.js';
import {
  TeamDto,
  TeamGrantsDto,
  TeamMemberPageDto,
  TeamMembershipDto,
  TeamPageDto,
} from './dto/team-response.dto.js';

function editorOf(principal: Principal, request: FastifyRequest): TeamEditor {
  return {
    principal,
    membershipId: request.membership?.id,
    leadOnly: request.teamLeadOnly === true,
  };
}

@ApiTags('teams')
@ApiTenantParam()
@Controller('api/v1/tenants/:tenantId/teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Post()
  @HttpCode(201)
  @Permission('create', 'Team')
  @ApiOperation({ summary: 'Add a team; with parentTeamId it is a sub-team (departments)' })
  @ApiCreatedResponse({ type: TeamDto })
  create(
    @TenantId() tenantId: string,
    @Body() dto: CreateTeamDto,
    @CurrentPrincipal() principal: Principal,
    @Meta() meta: RequestMeta,
  ) {
    return this.teams.create(tenantId, dto, principal, meta);
  }

  @Get()
  @Permission('read', 'Team')
  @ApiOperation({ summary: 'List teams (parentTeamId: only its direct sub-teams)' })
  @ApiOkResponse({ type: TeamPageDto })
  list(@TenantId() tenantId: string, @Query() query: TeamQueryDto) {
    const { limit, after } = pageArgs(query);
    return this.teams.list(tenantId, query, limit, after);
  }

  @Get(':teamId')
  @Permission('read', 'Team')
  @ApiOperation({ summary: 'Get a team' })
  @ApiIdParam('teamId', 'The team')
  @ApiOkResponse({ type: TeamDto })
  get(@TenantId() tenantId: string, @Param('teamId') teamId: string) {
    return this.teams.get(tenantId, teamId);
  }

  @Patch(':teamId')
  @Permission('update', 'Team')
  @ApiOperation({ summary: 'Rename, describe or move a team (no cycles)' })
  @ApiIdParam('teamId', 'The team')
  @ApiOkResponse({ type: TeamDto })
  update(
    @TenantId() tenantId: string,
    @Param('teamId') teamId: string,
    @Body() dto: UpdateTeamDto,
    @CurrentPrincipal() principal: Principal,
    @Meta() meta: RequestMeta,
  ) {
    return this.teams.update(tenantId, teamId, dto, principal, meta);
  }

  @Delete(':teamId')
  @HttpCode(204)
  @Permission('delete', 'Team')
  @ApiOperation({
    summary: 'Delete a team: refused when it has sub-teams or members unless ?strategy=move_up',
  })
  @ApiNoContentResponse()
  @ApiIdParam('teamId', 'The team')
  async remove(
    @TenantId() tenantId: string,
    @Param('teamId') teamId: string,
    @Query() query: DeleteTeamQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.teams.remove(
      { tenantId, actor: actorOf(principal), meta, source: 'api' },
      teamId,
      query.strategy ?? 'refuse',
    );
  }

  @Get(':teamId/members')
  @Permission('read', 'Team')
  @ApiOperation({ summary: 'The team’s own members, with their lead flag' })
  @ApiIdParam('teamId', 'The team')
  @ApiOkResponse({ type: TeamMemberPageDto })
  members(
    @TenantId() tenantId: string,
    @Param('teamId') teamId: string,
    @Query() query: ListQueryDto,
  ) {
    const { limit, after } = pageArgs(query);
    return this.teams.members(tenantId, teamId, limit, after);
  }

  @Post(':teamId/members')
  @Permission('update', 'Team', { orTeamLead: true })
  @ApiOperation({
    summary: 'Add a member (201) or set whether they lead the team (200); leads may add members',
  })
  @ApiIdParam('teamId', 'The team')
  @ApiCreatedResponse({ type: TeamMembershipDto, description: 'Added to the team' })
  @ApiOkResponse({ type: TeamMembershipDto, description: 'Already in it: lead flag set' })
  async addMember(
    @TenantId() tenantId: string,
    @Param('teamId') teamId: string,
    @Body() dto: AddTeamMemberDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Meta() meta: RequestMeta,
  ) {
    const result = await this.teams.addMember(
      tenantId,
      teamId,
      dto,
      editorOf(principal, req),
      meta,
    );
    void reply.status(result.created ? 201 : 200);
    return result.member;
  }

  @Delete(':teamId/members/:memberId')
  @HttpCode(204)
  @Permission('update', 'Team', { orTeamLead: true })
  @ApiOperation({ summary: 'Take a member out of the team; leads may do it' })
  @ApiNoContentResponse()
  @ApiIdParam('teamId', 'The team')
  @ApiIdParam('memberId', 'The member')
  async removeMember(
    @TenantId() tenantId: string,
    @Param('teamId') teamId: string,
    @Param('memberId') memberId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.teams.removeMember(tenantId, teamId, memberId, editorOf(principal, req), meta);
  }

  @Get(':teamId/permissions')
  @Permission('read', 'Team')
  @ApiOperation({ summary: 'Rules granted to the team’s members and its sub-teams’ members' })
  @ApiIdParam('teamId', 'The team')
  @ApiOkResponse({ type: TeamGrantsDto })
  permissions(@TenantId() tenantId: string, @Param('teamId') teamId: string) {
    return this.teams.permissions(tenantId, teamId);
  }

  /** Granting rules is role management: it needs the power to change roles, not only teams. */
  @Put(':teamId/permissions')
  @Permission('update', 'Role')
  @ApiOperation({ summary: 'Replace the rules granted through the team (takes effect at once)' })
  @ApiIdParam('teamId', 'The team')
  @ApiOkResponse({ type: TeamGrantsDto })
  setPermissions(
    @TenantId() tenantId: string,
    @Param('teamId') teamId: string,
    @Body() dto: TeamPermissionsDto,
    @CurrentPrincipal() principal: Principal,
    @Meta() meta: RequestMeta,
  ) {
    return this.teams.setPermissions(tenantId, teamId, dto.permissions, principal, meta);
  }
}
