import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '../common/decorators.js';
import { TenantCtx, type TenantContext } from '../common/request-context.js';
import { AuthzService } from './authz.service.js';
import { AuthorizeBatchDto, AuthorizeDto } from './dto/authorize.dto.js';
import { ApiTenantParam } from '../common/openapi.js';
import { DecisionBatchDto, DecisionDto } from './dto/decision-response.dto.js';

@ApiTags('policy')
@ApiTenantParam()
@Controller('api/v1/tenants/:tenantId/authorize')
export class AuthzController {
  constructor(private readonly authz: AuthzService) {}

  @Post()
  @HttpCode(200)
  @Permission('create', 'Authorization')
  @ApiOperation({
    summary: 'Decide whether a member may perform an action on a subject, with the reason',
  })
  @ApiOkResponse({ type: DecisionDto })
  authorize(@TenantCtx() ctx: TenantContext, @Body() dto: AuthorizeDto) {
    return this.authz.authorize(ctx.tenantId, dto, ctx.meta.requestId);
  }

  @Post('batch')
  @HttpCode(200)
  @Permission('create', 'Authorization')
  @ApiOperation({ summary: 'Up to 100 decisions, answered in order' })
  @ApiOkResponse({ type: DecisionBatchDto })
  batch(@TenantCtx() ctx: TenantContext, @Body() dto: AuthorizeBatchDto) {
    return this.authz.batch(ctx.tenantId, dto.checks, ctx.meta.requestId);
  }
}
