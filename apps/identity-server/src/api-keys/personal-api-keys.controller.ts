import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { requireSession, type Principal, type RequestMeta } from '../common/principal.js';
import { CurrentUser, Meta, SignedIn } from '../common/decorators.js';
import { ListQueryDto, pageArgs } from '../common/pagination.js';
import { CreatePersonalKeyDto } from './dto/api-key.dto.js';
import { PersonalApiKeysService } from './personal-api-keys.service.js';
import { ApiIdParam } from '../common/openapi.js';
import { CreatedPersonalKeyDto, PersonalKeyPageDto } from './dto/api-key-response.dto.js';

type User = Extract<Principal, { kind: 'user' }>;

@ApiTags('me')
@Controller('api/v1/me/api-keys')
export class PersonalApiKeysController {
  constructor(private readonly keys: PersonalApiKeysService) {}

  @Post()
  @HttpCode(201)
  @SignedIn()
  @ApiOperation({
    summary: 'Create a personal API key that acts as you; the key is in this response only',
  })
  @ApiCreatedResponse({ type: CreatedPersonalKeyDto })
  create(@CurrentUser() user: User, @Body() dto: CreatePersonalKeyDto, @Meta() meta: RequestMeta) {
    requireSession(user);
    return this.keys.create(user.id, dto, meta);
  }

  @Get()
  @SignedIn()
  @ApiOperation({ summary: 'List your live personal API keys' })
  @ApiOkResponse({ type: PersonalKeyPageDto })
  list(@CurrentUser() user: User, @Query() query: ListQueryDto) {
    const { limit, after } = pageArgs(query);
    return this.keys.list(user.id, limit, after);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @SignedIn()
  @ApiOperation({ summary: 'Revoke one of your personal API keys' })
  @ApiNoContentResponse()
  @ApiIdParam('keyId', 'The personal API key')
  async revoke(
    @CurrentUser() user: User,
    @Param('keyId') keyId: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.keys.revoke(user.id, keyId, meta);
  }
}
