import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal, RequestMeta } from '../common/principal.js';
import { CurrentPrincipal, Meta, Permission, TenantId } from '../common/decorators.js';
import { ListQueryDto, pageArgs } from '../common/pagination.js';
import { accessOf } from './access-subject.js';
import { AccessRulesService, type RuleEditor } from './access-rules.service.js';
import { AccessRuleDto } from './dto/access-rule.dto.js';
import { ApiIdParam, ApiTenantParam } from '../common/openapi.js';
import { AccessRulePageDto, AccessRuleViewDto } from './dto/access-rule-response.dto.js';

function editorOf(principal: Principal, request: FastifyRequest): RuleEditor {
  return { principal, ...accessOf(request) };
}

@ApiTags('access-rules')
@ApiTenantParam()
@Controller('api/v1/tenants/:tenantId/access-rules')
export class AccessRulesController {
  constructor(private readonly rules: AccessRulesService) {}

  @Post()
  @HttpCode(201)
  @Permission('create', 'AccessRule')
  @ApiOperation({
    summary: 'Add an IP and/or time rule; refused if it would lock you out, unless confirm: true',
  })
  @ApiCreatedResponse({ type: AccessRuleViewDto })
  create(
    @TenantId() tenantId: string,
    @Body() dto: AccessRuleDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Meta() meta: RequestMeta,
  ) {
    return this.rules.create(tenantId, dto, editorOf(principal, req), meta);
  }

  @Get()
  @Permission('read', 'AccessRule')
  @ApiOperation({ summary: 'List access rules' })
  @ApiOkResponse({ type: AccessRulePageDto })
  list(@TenantId() tenantId: string, @Query() query: ListQueryDto) {
    const { limit, after } = pageArgs(query);
    return this.rules.list(tenantId, limit, after);
  }

  @Get(':ruleId')
  @Permission('read', 'AccessRule')
  @ApiOperation({ summary: 'Get an access rule' })
  @ApiIdParam('ruleId', 'The access rule')
  @ApiOkResponse({ type: AccessRuleViewDto })
  get(@TenantId() tenantId: string, @Param('ruleId') ruleId: string) {
    return this.rules.get(tenantId, ruleId);
  }

  @Put(':ruleId')
  @Permission('update', 'AccessRule')
  @ApiOperation({ summary: 'Replace an access rule' })
  @ApiIdParam('ruleId', 'The access rule')
  @ApiOkResponse({ type: AccessRuleViewDto })
  replace(
    @TenantId() tenantId: string,
    @Param('ruleId') ruleId: string,
    @Body() dto: AccessRuleDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Meta() meta: RequestMeta,
  ) {
    return this.rules.replace(tenantId, ruleId, dto, editorOf(principal, req), meta);
  }

  @Delete(':ruleId')
  @HttpCode(204)
  @Permission('delete', 'AccessRule')
  @ApiOperation({ summary: 'Delete an access rule (?confirm=true if that would lock you out)' })
  @ApiNoContentResponse()
  @ApiIdParam('ruleId', 'The access rule')
  @ApiQuery({
    name: 'confirm',
    required: false,
    enum: ['true'],
    description: 'Delete even though the remaining rules would lock you out',
  })
  async remove(
    @TenantId() tenantId: string,
    @Param('ruleId') ruleId: string,
    @Query('confirm') confirm: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.rules.remove(tenantId, ruleId, editorOf(principal, req), confirm === 'true', meta);
  }
}
