import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { requireSession } from '../common/principal.js';
import { SignedIn } from '../common/decorators.js';
import { UserCtx, type UserContext } from '../common/request-context.js';
import { ListQueryDto, pageArgs } from '../common/pagination.js';
import { CreatePersonalKeyDto } from './dto/api-key.dto.js';
import { PersonalApiKeysService } from './personal-api-keys.service.js';
import { ApiIdParam } from '../common/openapi.js';
import { CreatedPersonalKeyDto, PersonalKeyPageDto } from './dto/api-key-response.dto.js';

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
  create(@UserCtx() { principal: user, meta }: UserContext, @Body() dto: CreatePersonalKeyDto) {
    requireSession(user);
    return this.keys.create(user.id, dto, meta);
  }

  @Get()
  @SignedIn()
  @ApiOperation({ summary: 'List your live personal API keys' })
  @ApiOkResponse({ type: PersonalKeyPageDto })
  list(@UserCtx() { principal: user }: UserContext, @Query() query: ListQueryDto) {
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
    @UserCtx() { principal: user, meta }: UserContext,
    @Param('keyId') keyId: string,
  ): Promise<void> {
    await this.keys.revoke(user.id, keyId, meta);
  }
}
