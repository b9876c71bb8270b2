import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Principal, RequestMeta } from '../common/principal.js';
import { CurrentPrincipal, Meta, Permission, TenantId } from '../common/decorators.js';
import { CreateRoleDto, UpdateRoleDto } from './dto/role.dto.js';
import { RolesService } from './roles.service.js';
import { ApiTenantParam } from '../common/openapi.js';
import { RoleDto, RolePageDto } from './dto/role-response.dto.js';

@ApiTags('roles')
@ApiTenantParam()
@Controller('api/v1/tenants/:tenantId/roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @Permission('read', 'Role')
  @ApiOperation({ summary: 'The built-in roles and the tenant’s own, with their permissions' })
  @ApiOkResponse({ type: RolePageDto })
  list(@TenantId() tenantId: string) {
    return this.roles.list(tenantId);
  }

  @Get(':roleKey')
  @Permission('read', 'Role')
  @ApiOperation({ summary: 'Get a role by key' })
  @ApiParam({
    name: 'roleKey',
    type: String,
    description: 'A built-in role key or a custom one',
    example: 'auditor',
  })
  @ApiOkResponse({ type: RoleDto })
  get(@TenantId() tenantId: string, @Param('roleKey') key: string) {
    return this.roles.get(tenantId, key);
  }

  @Post()
  @HttpCode(201)
  @Permission('create', 'Role')
  @ApiOperation({ summary: 'Add a custom role with CASL-style rules' })
  @ApiCreatedResponse({ type: RoleDto })
  create(
    @TenantId() tenantId: string,
    @Body() dto: CreateRoleDto,
    @CurrentPrincipal() principal: Principal,
    @Meta() meta: RequestMeta,
  ) {
    return this.roles.create(tenantId, dto, principal, meta);
  }

  @Patch(':roleKey')
  @Permission('update', 'Role')
  @ApiOperation({
    summary: 'Rename a custom role or replace its rules; holders are affected at once',
  })
  @ApiParam({
    name: 'roleKey',
    type: String,
    description: 'A built-in role key or a custom one',
    example: 'auditor',
  })
  @ApiOkResponse({ type: RoleDto })
  update(
    @TenantId() tenantId: string,
    @Param('roleKey') key: string,
    @Body() dto: UpdateRoleDto,
    @CurrentPrincipal() principal: Principal,
    @Meta() meta: RequestMeta,
  ) {
    return this.roles.update(tenantId, key, dto, principal, meta);
  }

  @Delete(':roleKey')
  @HttpCode(204)
  @Permission('delete', 'Role')
  @ApiOperation({ summary: 'Delete a custom role nobody holds (409 role_in_use otherwise)' })
  @ApiNoContentResponse()
  @ApiParam({
    name: 'roleKey',
    type: String,
    description: 'A built-in role key or a custom one',
    example: 'auditor',
  })
  async remove(
    @TenantId() tenantId: string,
    @Param('roleKey') key: string,
    @CurrentPrincipal() principal: Principal,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.roles.remove(tenantId, key, principal, meta);
  }
}
