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
import { ScimGroupsService } from './scim-groups.service.js';
import { listParams, projectionOf, resourceHeaders } from './scim-protocol.js';
import type { ScimCaller } from './scim-tokens.service.js';

/** RFC 7644 /Groups (teams): public to the global guard, authenticated by a SCIM token. */
@ApiExcludeController()
@Public()
@UseGuards(ScimAuthGuard)
@UseInterceptors(ScimContentType)
@Controller('scim/v2/Groups')
export class ScimGroupsController {
  constructor(private readonly groups: ScimGroupsService) {}

  @Get()
  list(@Caller() caller: ScimCaller, @Query() query: unknown) {
    return this.groups.list(caller, listParams(query));
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
    const group = await this.groups.create(caller, body, meta);
    resourceHeaders(reply, group, true);
    return this.groups.shape(group, projectionOf(query));
  }

  @Get(':id')
  async get(
    @Caller() caller: ScimCaller,
    @Param('id') id: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const projection = projectionOf(query);
    const group = await this.groups.get(caller, id, projection);
    resourceHeaders(reply, group);
    return this.groups.shape(group, projection);
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
    const group = await this.groups.replace(caller, id, body, ifMatch, meta);
    resourceHeaders(reply, group);
    return this.groups.shape(group, projectionOf(query));
  }

  /**
   * 204 No Content, what Entra ID expects of a group PATCH; with `attributes` or
   * `excludedAttributes` asked, 200 and the group (RFC 7644 §3.5.2).
   */
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
    const group = await this.groups.patch(caller, id, body, ifMatch, meta);
    resourceHeaders(reply, group);
    const projection = projectionOf(query);
    if (!projection.attributes && !projection.excludedAttributes) {
      void reply.status(204);
      return undefined;
    }
    return this.groups.shape(group, projection);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(
    @Caller() caller: ScimCaller,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.groups.remove(caller, id, ifMatch, meta);
  }
}
