import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { Permission } from '../common/decorators.js';
import { ListQueryDto, pageArgs } from '../common/pagination.js';
import { TenantCtx, type TenantContext } from '../common/request-context.js';
import { AccessRulesService } from './access-rules.service.js';
import { AccessRuleDto } from './dto/access-rule.dto.js';
import { ApiIdParam, ApiTenantParam } from '../common/openapi.js';
import { AccessRulePageDto, AccessRuleViewDto } from './dto/access-rule-response.dto.js';

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
  create(@TenantCtx() ctx: TenantContext, @Body() dto: AccessRuleDto) {
    return this.rules.create(ctx, dto);
  }

  @Get()
  @Permission('read', 'AccessRule')
  @ApiOperation({ summary: 'List access rules' })
  @ApiOkResponse({ type: AccessRulePageDto })
  list(@TenantCtx() ctx: TenantContext, @Query() query: ListQueryDto) {
    const { limit, after } = pageArgs(query);
    return this.rules.list(ctx.tenantId, limit, after);
  }

  @Get(':ruleId')
  @Permission('read', 'AccessRule')
  @ApiOperation({ summary: 'Get an access rule' })
  @ApiIdParam('ruleId', 'The access rule')
  @ApiOkResponse({ type: AccessRuleViewDto })
  get(@TenantCtx() ctx: TenantContext, @Param('ruleId') ruleId: string) {
    return this.rules.get(ctx.tenantId, ruleId);
  }

  @Put(':ruleId')
  @Permission('update', 'AccessRule')
  @ApiOperation({ summary: 'Replace an access rule' })
  @ApiIdParam('ruleId', 'The access rule')
  @ApiOkResponse({ type: AccessRuleViewDto })
  replace(
    @TenantCtx() ctx: TenantContext,
    @Param('ruleId') ruleId: string,
    @Body() dto: AccessRuleDto,
  ) {
    return this.rules.replace(ctx, ruleId, dto);
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
    @TenantCtx() ctx: TenantContext,
    @Param('ruleId') ruleId: string,
    @Query('confirm') confirm: string | undefined,
  ): Promise<void> {
    await this.rules.remove(ctx, ruleId, confirm === 'true');
  }
}
