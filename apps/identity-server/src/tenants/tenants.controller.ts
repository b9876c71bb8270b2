import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, OperatorOnly, Permission } from '../common/decorators.js';
import {
  Ctx,
  TenantCtx,
  type RequestContext,
  type TenantContext,
} from '../common/request-context.js';
import { ListQueryDto, pageArgs } from '../common/pagination.js';
import { CreateTenantDto, UpdateTenantDto } from './dto/tenant.dto.js';
import { TenantsService } from './tenants.service.js';
import { ApiTenantParam } from '../common/openapi.js';
import { TenantDto, TenantLimitsDto, TenantPageDto } from './dto/tenant-response.dto.js';

@ApiTags('tenants')
@Controller('api/v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @HttpCode(201)
  @OperatorOnly()
  @ApiOperation({ summary: 'Create a tenant (platform operator)' })
  @ApiCreatedResponse({
    type: TenantDto,
    description: 'The tenant, with its settings filled in from the defaults',
  })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateTenantDto) {
    return this.tenants.create(dto, ctx.principal, ctx.meta);
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'List tenants: all for the operator, its own for a tenant key' })
  @ApiOkResponse({ type: TenantPageDto })
  list(@Ctx() ctx: RequestContext, @Query() query: ListQueryDto) {
    const { limit, after } = pageArgs(query);
    return this.tenants.list(ctx.principal, limit, after);
  }

  @Get(':tenantId')
  @Permission('read', 'Tenant')
  @ApiOperation({ summary: 'Get a tenant and its settings' })
  @ApiTenantParam()
  @ApiOkResponse({ type: TenantDto })
  get(@TenantCtx() ctx: TenantContext) {
    return this.tenants.get(ctx.tenantId);
  }

  @Patch(':tenantId')
  @Permission('update', 'Tenant')
  @ApiOperation({
    summary: 'Rename a tenant or change its settings (merged into the current ones)',
  })
  @ApiTenantParam()
  @ApiOkResponse({ type: TenantDto })
  update(@TenantCtx() ctx: TenantContext, @Body() dto: UpdateTenantDto) {
    return this.tenants.update(ctx.tenantId, dto, ctx.principal, ctx.meta);
  }

  @Get(':tenantId/limits')
  @Permission('read', 'Tenant')
  @ApiOperation({ summary: 'Seat usage: { maxMembers, members, pendingInvitations, seatsLeft }' })
  @ApiTenantParam()
  @ApiOkResponse({ type: TenantLimitsDto })
  limits(@TenantCtx() ctx: TenantContext) {
    return this.tenants.limits(ctx.tenantId);
  }
}
