import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Principal, RequestMeta } from '../common/principal.js';
import { CurrentPrincipal, Meta, Permission, TenantId } from '../common/decorators.js';
import { ListQueryDto, pageArgs } from '../common/pagination.js';
import { CreateScimTokenDto } from './dto/scim-token.dto.js';
import { ScimTokensService } from './scim-tokens.service.js';
import { ApiIdParam, ApiTenantParam } from '../common/openapi.js';
import { CreatedScimTokenDto, ScimTokenPageDto } from './dto/scim-token-response.dto.js';

@ApiTags('scim-tokens')
@ApiTenantParam()
@Controller('api/v1/tenants/:tenantId/scim-tokens')
export class ScimTokensController {
  constructor(private readonly tokens: ScimTokensService) {}

  @Post()
  @HttpCode(201)
  @Permission('create', 'ScimToken')
  @ApiOperation({ summary: 'Create a SCIM bearer token; the token is in this response only' })
  @ApiCreatedResponse({ type: CreatedScimTokenDto })
  create(
    @TenantId() tenantId: string,
    @Body() dto: CreateScimTokenDto,
    @CurrentPrincipal() principal: Principal,
    @Meta() meta: RequestMeta,
  ) {
    return this.tokens.create(tenantId, dto, principal, meta);
  }

  @Get()
  @Permission('read', 'ScimToken')
  @ApiOperation({ summary: 'List live SCIM tokens with prefix and last-used time' })
  @ApiOkResponse({ type: ScimTokenPageDto })
  list(@TenantId() tenantId: string, @Query() query: ListQueryDto) {
    const { limit, after } = pageArgs(query);
    return this.tokens.list(tenantId, limit, after);
  }

  @Delete(':tokenId')
  @HttpCode(204)
  @Permission('delete', 'ScimToken')
  @ApiOperation({ summary: 'Revoke a SCIM token; it stops working on the next request' })
  @ApiNoContentResponse()
  @ApiIdParam('tokenId', 'The SCIM token')
  async revoke(
    @TenantId() tenantId: string,
    @Param('tokenId') tokenId: string,
    @CurrentPrincipal() principal: Principal,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.tokens.revoke(tenantId, tokenId, principal, meta);
  }
}
