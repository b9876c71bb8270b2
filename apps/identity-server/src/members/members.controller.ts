import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '../common/decorators.js';
import { TenantCtx, type TenantContext } from '../common/request-context.js';
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
  list(@TenantCtx() ctx: TenantContext, @Query() query: MemberQueryDto) {
    const { limit, after } = pageArgs(query);
    return this.members.list(ctx, query, limit, after);
  }

  @Get(':memberId')
  @Permission('read', 'Member')
  @ApiOperation({ summary: 'Get a member' })
  @ApiIdParam('memberId', 'The member')
  @ApiOkResponse({ type: MemberDto })
  get(@TenantCtx() ctx: TenantContext, @Param('memberId') memberId: string) {
    return this.members.get(ctx, memberId);
  }

  @Patch(':memberId')
  @Permission('update', 'Member')
  @ApiOperation({
    summary: 'Change role or suspend/reactivate; the tenant always keeps an active Administrator',
  })
  @ApiIdParam('memberId', 'The member')
  @ApiOkResponse({ type: MemberDto })
  update(
    @TenantCtx() ctx: TenantContext,
    @Param('memberId') memberId: string,
    @Body() dto: UpdateMemberDto,
  ) {
    return this.members.update(ctx, memberId, dto);
  }

  @Delete(':memberId')
  @HttpCode(204)
  @Permission('delete', 'Member')
  @ApiOperation({ summary: 'Remove a member: access ends at once; history stays' })
  @ApiNoContentResponse()
  @ApiIdParam('memberId', 'The member')
  async remove(
    @TenantCtx() ctx: TenantContext,
    @Param('memberId') memberId: string,
  ): Promise<void> {
    await this.members.remove(ctx, memberId);
  }
}
