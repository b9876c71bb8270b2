import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal, RequestMeta } from '../common/principal.js';
import { CurrentPrincipal, Meta, Permission, TenantId } from '../common/decorators.js';
import { pageArgs } from '../common/pagination.js';
import { MemberQueryDto, UpdateMemberDto } from './dto/member.dto.js';
import { MembersService } from './members.service.js';
import { ApiIdParam, ApiTenantParam } from '../common/openapi.js';
import { MemberDto, MemberPageDto } from './dto/member-response.dto.js';

@ApiTags('members')
@ApiTenantParam()
@Controller('api/v1/tenants/:tenantId/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Permission('read', 'Member')
  @ApiOperation({ summary: 'List members (filters role, status, q); a guest sees only themself' })
  @ApiOkResponse({ type: MemberPageDto })
  list(
    @TenantId() tenantId: string,
    @Query() query: MemberQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
  ) {
    const { limit, after } = pageArgs(query);
    return this.members.list(
      tenantId,
      { principal, membership: req.membership },
      query,
      limit,
      after,
    );
  }

  @Get(':memberId')
  @Permission('read', 'Member')
  @ApiOperation({ summary: 'Get a member' })
  @ApiIdParam('memberId', 'The member')
  @ApiOkResponse({ type: MemberDto })
  get(
    @TenantId() tenantId: string,
    @Param('memberId') memberId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
  ) {
    return this.members.get(tenantId, memberId, { principal, membership: req.membership });
  }

  @Patch(':memberId')
  @Permission('update', 'Member')
  @ApiOperation({
    summary: 'Change role or suspend/reactivate; the tenant always keeps an active Administrator',
  })
  @ApiIdParam('memberId', 'The member')
  @ApiOkResponse({ type: MemberDto })
  update(
    @TenantId() tenantId: string,
    @Param('memberId') memberId: string,
    @Body() dto: UpdateMemberDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Meta() meta: RequestMeta,
  ) {
    return this.members.update(
      tenantId,
      memberId,
      dto,
      { principal, membership: req.membership },
      meta,
    );
  }

  @Delete(':memberId')
  @HttpCode(204)
  @Permission('delete', 'Member')
  @ApiOperation({ summary: 'Remove a member: access ends at once; history stays' })
  @ApiNoContentResponse()
  @ApiIdParam('memberId', 'The member')
  async remove(
    @TenantId() tenantId: string,
    @Param('memberId') memberId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.members.remove(tenantId, memberId, principal, req.membership?.id, meta);
  }
}
