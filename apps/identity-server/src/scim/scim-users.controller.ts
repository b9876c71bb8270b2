import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { RequestMeta } from '../common/principal.js';
import { Meta, Public } from '../common/decorators.js';
import { Caller, ScimAuthGuard, ScimContentType } from './scim-auth.guard.js';
import { listParams, projectionOf, resourceHeaders } from './scim-protocol.js';
import type { ScimCaller } from './scim-tokens.service.js';
import { ScimUsersService } from './scim-users.service.js';

/** RFC 7644 /Users: public to the global guard, authenticated by a tenant's SCIM token. */
@ApiExcludeController()
@Public()
@UseGuards(ScimAuthGuard)
@UseInterceptors(ScimContentType)
@Controller('scim/v2/Users')
export class ScimUsersController {
  constructor(private readonly users: ScimUsersService) {}

  @Get()
  list(@Caller() caller: ScimCaller, @Query() query: unknown) {
    return this.users.list(caller, listParams(query));
  }

  @Post()
  @HttpCode(201)
  async create(
    @Caller() caller: ScimCaller,
    @Body() body: unknown,
    @Query() query: unknown,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const user = await this.users.create(caller, body, meta);
    resourceHeaders(reply, user, true);
    return this.users.shape(user, projectionOf(query));
  }

  @Get(':id')
  async get(
    @Caller() caller: ScimCaller,
    @Param('id') id: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const user = await this.users.get(caller, id);
    resourceHeaders(reply, user);
    return this.users.shape(user, projectionOf(query));
  }

  @Put(':id')
  async replace(
    @Caller() caller: ScimCaller,
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() query: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const user = await this.users.replace(caller, id, body, ifMatch, meta);
    resourceHeaders(reply, user);
    return this.users.shape(user, projectionOf(query));
  }

  /** 200 with the resource (RFC 7644 §3.5.2): Okta reads the user back from the answer. */
  @Patch(':id')
  async patch(
    @Caller() caller: ScimCaller,
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() query: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const user = await this.users.patch(caller, id, body, ifMatch, meta);
    resourceHeaders(reply, user);
    return this.users.shape(user, projectionOf(query));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(
    @Caller() caller: ScimCaller,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.users.remove(caller, id, ifMatch, meta);
  }
}
