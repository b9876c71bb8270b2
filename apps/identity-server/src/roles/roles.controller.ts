import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Permission } from '../common/decorators.js';
import { TenantCtx, type TenantContext } from '../common/request-context.js';
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
  list(@TenantCtx() ctx: TenantContext) {
    return this.roles.list(ctx.tenantId);
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
  get(@TenantCtx() ctx: TenantContext, @Param('roleKey') key: string) {
    return this.roles.get(ctx.tenantId, key);
  }

  @Post()
  @HttpCode(201)
  @Permission('create', 'Role')
  @ApiOperation({ summary: 'Add a custom role with CASL-style rules' })
  @ApiCreatedResponse({ type: RoleDto })
  create(@TenantCtx() ctx: TenantContext, @Body() dto: CreateRoleDto) {
    return this.roles.create(ctx.tenantId, dto, ctx.principal, ctx.meta);
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
    @TenantCtx() ctx: TenantContext,
    @Param('roleKey') key: string,
    @Body() dto: UpdateRoleDto,
  ) {
    return this.roles.update(ctx.tenantId, key, dto, ctx.principal, ctx.meta);
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
  async remove(@TenantCtx() ctx: TenantContext, @Param('roleKey') key: string): Promise<void> {
    await this.roles.remove(ctx.tenantId, key, ctx.principal, ctx.meta);
  }
}
