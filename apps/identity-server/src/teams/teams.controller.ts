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
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { actorOf } from '../common/principal.js';
import { Permission } from '../common/decorators.js';
import { TenantCtx, type TenantContext } from '../common/request-context.js';
import { ListQueryDto, pageArgs } from '../common/pagination.js';
import {
  AddTeamMemberDto,
  CreateTeamDto,
  DeleteTeamQueryDto,
  TeamPermissionsDto,
  TeamQueryDto,
  UpdateTeamDto,
} from './dto/team.dto.js';
import { TeamsService } from './teams.service.js';
import { ApiIdParam, ApiTenantParam } from '../common/openapi.js';
import {
  TeamDto,
  TeamGrantsDto,
  TeamMemberPageDto,
  TeamMembershipDto,
  TeamPageDto,
} from './dto/team-response.dto.js';

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
  create(@TenantCtx() ctx: TenantContext, @Body() dto: CreateTeamDto) {
    return this.teams.create(ctx.tenantId, dto, ctx.principal, ctx.meta);
  }

  @Get()
  @Permission('read', 'Team')
  @ApiOperation({ summary: 'List teams (parentTeamId: only its direct sub-teams)' })
  @ApiOkResponse({ type: TeamPageDto })
  list(@TenantCtx() ctx: TenantContext, @Query() query: TeamQueryDto) {
    const { limit, after } = pageArgs(query);
    return this.teams.list(ctx.tenantId, query, limit, after);
  }

  @Get(':teamId')
  @Permission('read', 'Team')
  @ApiOperation({ summary: 'Get a team' })
  @ApiIdParam('teamId', 'The team')
  @ApiOkResponse({ type: TeamDto })
  get(@TenantCtx() ctx: TenantContext, @Param('teamId') teamId: string) {
    return this.teams.get(ctx.tenantId, teamId);
  }

  @Patch(':teamId')
  @Permission('update', 'Team')
  @ApiOperation({ summary: 'Rename, describe or move a team (no cycles)' })
  @ApiIdParam('teamId', 'The team')
  @ApiOkResponse({ type: TeamDto })
  update(
    @TenantCtx() ctx: TenantContext,
    @Param('teamId') teamId: string,
    @Body() dto: UpdateTeamDto,
  ) {
    return this.teams.update(ctx.tenantId, teamId, dto, ctx.principal, ctx.meta);
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
    @TenantCtx() ctx: TenantContext,
    @Param('teamId') teamId: string,
    @Query() query: DeleteTeamQueryDto,
  ): Promise<void> {
    await this.teams.remove(
      { tenantId: ctx.tenantId, actor: actorOf(ctx.principal), meta: ctx.meta, source: 'api' },
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
    @TenantCtx() ctx: TenantContext,
    @Param('teamId') teamId: string,
    @Query() query: ListQueryDto,
  ) {
    const { limit, after } = pageArgs(query);
    return this.teams.members(ctx.tenantId, teamId, limit, after);
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
    @TenantCtx() ctx: TenantContext,
    @Param('teamId') teamId: string,
    @Body() dto: AddTeamMemberDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.teams.addMember(ctx, teamId, dto);
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
    @TenantCtx() ctx: TenantContext,
    @Param('teamId') teamId: string,
    @Param('memberId') memberId: string,
  ): Promise<void> {
    await this.teams.removeMember(ctx, teamId, memberId);
  }

  @Get(':teamId/permissions')
  @Permission('read', 'Team')
  @ApiOperation({ summary: 'Rules granted to the team’s members and its sub-teams’ members' })
  @ApiIdParam('teamId', 'The team')
  @ApiOkResponse({ type: TeamGrantsDto })
  permissions(@TenantCtx() ctx: TenantContext, @Param('teamId') teamId: string) {
    return this.teams.permissions(ctx.tenantId, teamId);
  }

  /** Granting rules is role management: it needs the power to change roles, not only teams. */
  @Put(':teamId/permissions')
  @Permission('update', 'Role')
  @ApiOperation({ summary: 'Replace the rules granted through the team (takes effect at once)' })
  @ApiIdParam('teamId', 'The team')
  @ApiOkResponse({ type: TeamGrantsDto })
  setPermissions(
    @TenantCtx() ctx: TenantContext,
    @Param('teamId') teamId: string,
    @Body() dto: TeamPermissionsDto,
  ) {
    return this.teams.setPermissions(
      ctx.tenantId,
      teamId,
      dto.permissions,
      ctx.principal,
      ctx.meta,
    );
  }
}
