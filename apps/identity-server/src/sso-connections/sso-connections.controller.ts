import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Permission } from '../common/decorators.js';
import { ApiIdParam, ApiTenantParam } from '../common/openapi.js';
import { ListQueryDto, pageArgs } from '../common/pagination.js';
import { TenantCtx, type TenantContext } from '../common/request-context.js';
import { CreateSsoConnectionDto, UpdateSsoConnectionDto } from './dto/sso-connection.dto.js';
import { SsoConnectionDto, SsoConnectionPageDto } from './dto/sso-connection-response.dto.js';
import { SsoConnectionsService } from './sso-connections.service.js';

const URL_NOT_ALLOWED =
  'url_not_allowed: the issuer is not https, or its host is or resolves to a private, loopback or link-local address';
const DISCOVERY_FAILED =
  "oidc_discovery_failed: the issuer's /.well-known/openid-configuration could not be fetched, is not JSON, names another issuer or lacks an endpoint";

@ApiTags('sso-connections')
@ApiTenantParam()
@Controller('api/v1/tenants/:tenantId/sso-connections')
export class SsoConnectionsController {
  constructor(private readonly connections: SsoConnectionsService) {}

  @Post()
  @HttpCode(201)
  @Permission('create', 'SsoConnection')
  @ApiOperation({
    summary:
      "Connect the organization's OpenID Connect provider (Okta, Keycloak, …); its discovery document is checked first",
  })
  @ApiCreatedResponse({ type: SsoConnectionDto })
  @ApiBadRequestResponse({ description: URL_NOT_ALLOWED })
  @ApiConflictResponse({ description: 'sso_connection_name_taken' })
  @ApiUnprocessableEntityResponse({ description: DISCOVERY_FAILED })
  create(@TenantCtx() ctx: TenantContext, @Body() dto: CreateSsoConnectionDto) {
    return this.connections.create(ctx, dto);
  }

  @Get()
  @Permission('read', 'SsoConnection')
  @ApiOperation({ summary: 'List SSO connections (the client secret is never returned)' })
  @ApiOkResponse({ type: SsoConnectionPageDto })
  list(@TenantCtx() ctx: TenantContext, @Query() query: ListQueryDto) {
    const { limit, after } = pageArgs(query);
    return this.connections.list(ctx.tenantId, limit, after);
  }

  @Get(':connectionId')
  @Permission('read', 'SsoConnection')
  @ApiOperation({ summary: 'Get an SSO connection' })
  @ApiIdParam('connectionId', 'The SSO connection')
  @ApiOkResponse({ type: SsoConnectionDto })
  @ApiNotFoundResponse({ description: 'sso_connection_not_found' })
  get(@TenantCtx() ctx: TenantContext, @Param('connectionId') id: string) {
    return this.connections.get(ctx.tenantId, id);
  }

  @Patch(':connectionId')
  @Permission('update', 'SsoConnection')
  @ApiOperation({
    summary:
      'Change an SSO connection; a new clientSecret replaces the old; a new issuer or clientId is checked again',
  })
  @ApiIdParam('connectionId', 'The SSO connection')
  @ApiOkResponse({ type: SsoConnectionDto })
  @ApiBadRequestResponse({ description: URL_NOT_ALLOWED })
  @ApiNotFoundResponse({ description: 'sso_connection_not_found' })
  @ApiConflictResponse({ description: 'sso_connection_name_taken' })
  @ApiUnprocessableEntityResponse({ description: DISCOVERY_FAILED })
  update(
    @TenantCtx() ctx: TenantContext,
    @Param('connectionId') id: string,
    @Body() dto: UpdateSsoConnectionDto,
  ) {
    return this.connections.update(ctx, id, dto);
  }

  @Delete(':connectionId')
  @HttpCode(204)
  @Permission('delete', 'SsoConnection')
  @ApiOperation({ summary: 'Delete an SSO connection: its members sign in another way' })
  @ApiIdParam('connectionId', 'The SSO connection')
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'sso_connection_not_found' })
  async remove(@TenantCtx() ctx: TenantContext, @Param('connectionId') id: string): Promise<void> {
    await this.connections.remove(ctx, id);
  }
}
