import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Permission } from '../common/decorators.js';
import { TenantCtx, type TenantContext } from '../common/request-context.js';
import { ListQueryDto, pageArgs } from '../common/pagination.js';
import { ApiKeysService } from './api-keys.service.js';
import { CreateApiKeyDto } from './dto/api-key.dto.js';
import { ApiIdParam, ApiTenantParam } from '../common/openapi.js';
import { ApiKeyPageDto, CreatedApiKeyDto } from './dto/api-key-response.dto.js';

@ApiTags('api-keys')
@ApiTenantParam()
@Controller('api/v1/tenants/:tenantId/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @Permission('create', 'ApiKey')
  @ApiOperation({ summary: 'Create a tenant API key; the key is in this response only' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  create(@TenantCtx() ctx: TenantContext, @Body() dto: CreateApiKeyDto) {
    return this.apiKeys.create(ctx.tenantId, dto, ctx.principal, ctx.meta);
  }

  @Get()
  @Permission('read', 'ApiKey')
  @ApiOperation({ summary: 'List live API keys with prefix and last-used time' })
  @ApiOkResponse({ type: ApiKeyPageDto })
  list(@TenantCtx() ctx: TenantContext, @Query() query: ListQueryDto) {
    const { limit, after } = pageArgs(query);
    return this.apiKeys.list(ctx.tenantId, limit, after);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @Permission('delete', 'ApiKey')
  @ApiOperation({ summary: 'Revoke an API key; it stops working on the next request' })
  @ApiNoContentResponse()
  @ApiIdParam('keyId', 'The API key')
  async revoke(@TenantCtx() ctx: TenantContext, @Param('keyId') keyId: string): Promise<void> {
    await this.apiKeys.revoke(ctx.tenantId, keyId, ctx.principal, ctx.meta);
  }
}
