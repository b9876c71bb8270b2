import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Trimmed } from '../common/validation.js';
import { AccountsService } from '../accounts/index.js';
import { SignedIn } from '../common/decorators.js';
import { UserCtx, type UserContext } from '../common/request-context.js';
import { MembershipsService } from '../members/index.js';
import { TenantsService } from './tenants.service.js';
import { TenantDto } from './dto/tenant-response.dto.js';

export class CreateOrganizationDto {
  @ApiProperty({ maxLength: 200, example: 'Acme Corp' })
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;
}

@ApiTags('tenants')
@Controller('api/v1/organizations')
export class OrganizationsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly memberships: MembershipsService,
    private readonly accounts: AccountsService,
  ) {}

  @Post()
  @HttpCode(201)
  @SignedIn()
  @ApiOperation({ summary: 'Create an organization with yourself as its first Administrator' })
  @ApiCreatedResponse({ type: TenantDto, description: 'The new tenant' })
  @ApiConflictResponse({ description: 'tenant_name_taken: the name is in use' })
  async create(
    @UserCtx() { principal: user, meta }: UserContext,
    @Body() dto: CreateOrganizationDto,
  ) {
    const account = await this.accounts.profile(user.id);
    return this.tenants.create({ name: dto.name }, user, meta, async (em, tenant) => {
      await this.memberships.addFounder(em, tenant.id, account);
    });
  }
}
