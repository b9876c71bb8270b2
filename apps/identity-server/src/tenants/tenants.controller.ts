import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal, RequestMeta } from '../common/principal.js';
import {
  Authenticated,
  CurrentPrincipal,
  Meta,
  OperatorOnly,
  Permission,
  TenantId,
} from '../common/decorators.js';
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
  create(
    @Body() dto: CreateTenantDto,
    @CurrentPrincipal() principal: Principal,
    @Meta() meta: RequestMeta,
  ) {
    return this.tenants.create(dto, principal, meta);
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'List tenants: all for the operator, its own for a tenant key' })
  @ApiOkResponse({ type: TenantPageDto })
  list(@Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    const { limit, after } = pageArgs(query);
    return this.tenants.list(principal, limit, after);
  }

  @Get(':tenantId')
  @Permission('read', 'Tenant')
  @ApiOperation({ summary: 'Get a tenant and its settings' })
  @ApiTenantParam()
  @ApiOkResponse({ type: TenantDto })
  get(@TenantId() tenantId: string) {
    return this.tenants.get(tenantId);
  }

  @Patch(':tenantId')
  @Permission('update', 'Tenant')
  @ApiOperation({
    summary: 'Rename a tenant or change its settings (merged into the current ones)',
  })
  @ApiTenantParam()
  @ApiOkResponse({ type: TenantDto })
  update(
    @TenantId() tenantId: string,
    @Body() dto: UpdateTenantDto,
    @CurrentPrincipal() principal: Principal,
    @Meta() meta: RequestMeta,
  ) {
    return this.tenants.update(tenantId, dto, principal, meta);
  }

  @Get(':tenantId/limits')
  @Permission('read', 'Tenant')
  @ApiOperation({ summary: 'Seat usage: { maxMembers, members, pendingInvitations, seatsLeft }' })
  @ApiTenantParam()
  @ApiOkResponse({ type: TenantLimitsDto })
  limits(@TenantId() tenantId: string) {
    return this.tenants.limits(tenantId);
  }
}
