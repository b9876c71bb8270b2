import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission, TenantId } from '../common/decorators.js';
import { AuthzService } from './authz.service.js';
import { AuthorizeBatchDto, AuthorizeDto } from './dto/authorize.dto.js';

@ApiTags('policy')
@Controller('api/v1/tenants/:tenantId/authorize')
export class AuthzController {
  constructor(private readonly authz: AuthzService) {}

  @Post()
  @HttpCode(200)
  @Permission('create', 'Authorization')
  @ApiOperation({
    summary: 'Decide whether a member may perform an action on a subject, with the reason',
  })
  @ApiOkResponse({ description: '{ allowed, reason: { code, role?, rule?, accessRule? } }' })
  authorize(@TenantId() tenantId: string, @Body() dto: AuthorizeDto) {
    return this.authz.authorize(tenantId, dto);
  }

  @Post('batch')
  @HttpCode(200)
  @Permission('create', 'Authorization')
  @ApiOperation({ summary: 'Up to 100 decisions, answered in order' })
  batch(@TenantId() tenantId: string, @Body() dto: AuthorizeBatchDto) {
    return this.authz.batch(tenantId, dto.checks);
  }
}
