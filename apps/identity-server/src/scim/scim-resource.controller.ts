import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
  UseGuards,
  UseInterceptors,
  type Type,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { applyPatch, normalizeResource, parsePatch, project } from '#scim';
import type { RequestMeta } from '../common/principal.js';
import { Meta, Public } from '../common/decorators.js';
import { Caller, ScimAuthGuard, ScimContentType } from './scim-auth.guard.js';
import { ScimGroupsService } from './scim-groups.service.js';
import { assertNoNul, listParams, projectionOf, resourceHeaders } from './scim-protocol.js';
import type { ScimResourceAdapter } from './scim-resource-adapter.js';
import type { ScimCaller } from './scim-tokens.service.js';
import { ScimUsersService } from './scim-users.service.js';

/**
 * The RFC 7644 endpoints of one resource type, `/scim/v2/<endpoint>` and `/<endpoint>/:id`, over
 * its adapter: public to the global guard, authenticated by a tenant's SCIM token.
 *
 * Every handler reads and checks all of its inputs (query string, headers) before it calls the
 * adapter, so a refused request has written nothing: a write that committed and then answered
 * 400 would be retried by the client and applied twice.
 *
 * A factory rather than a base class: each endpoint gets its own class whose prototype carries
 * the routes itself, so the route list (test/route-permissions) and Nest's router see two plain
 * controllers. Endpoint names are matched in any case and without a trailing slash before routing
 * (canonicalScimUrl), so the paths here are the RFC spellings only.
 */
export function scimResourceController(
  endpoint: string,
  adapterType: Type<ScimResourceAdapter>,
): Type<unknown> {
  @ApiExcludeController()
  @Public()
  @UseGuards(ScimAuthGuard)
  @UseInterceptors(ScimContentType)
  @Controller(`scim/v2/${endpoint}`)
  class ScimResourceController {
    constructor(@Inject(adapterType) private readonly adapter: ScimResourceAdapter) {}

    @Get()
    list(@Caller() caller: ScimCaller, @Query() query: unknown) {
      return this.adapter.list(caller, listParams(query));
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
      const projection = projectionOf(query);
      const resource = await this.adapter.create(caller, body, meta);
      resourceHeaders(reply, resource, true);
      return project(resource, this.adapter.resourceType, projection);
    }

    @Get(':id')
    async get(
      @Caller() caller: ScimCaller,
      @Param('id') id: string,
      @Query() query: unknown,
      @Res({ passthrough: true }) reply: FastifyReply,
    ) {
      const projection = projectionOf(query);
      const resource = await this.adapter.get(caller, id, projection);
      resourceHeaders(reply, resource);
      return project(resource, this.adapter.resourceType, projection);
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
      const projection = projectionOf(query);
      assertNoNul(body);
      const replacement = normalizeResource(body, this.adapter.resourceType);
      const resource = await this.adapter.update(caller, id, ifMatch, meta, () => replacement);
      resourceHeaders(reply, resource);
      return project(resource, this.adapter.resourceType, projection);
    }

    /** 200 with the resource, or 204 where the adapter says so (ScimResourceAdapter.patchAnswer). */
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
      const projection = projectionOf(query);
      assertNoNul(body);
      const operations = parsePatch(body);
      const resource = await this.adapter.update(caller, id, ifMatch, meta, (current) =>
        applyPatch(current, operations, this.adapter.resourceType),
      );
      resourceHeaders(reply, resource);
      const projected =
        projection.attributes !== undefined || projection.excludedAttributes !== undefined;
      if (this.adapter.patchAnswer === 'noContentUnlessProjected' && !projected) {
        void reply.status(204);
        return undefined;
      }
      return project(resource, this.adapter.resourceType, projection);
    }

    @Delete(':id')
    @HttpCode(204)
    async remove(
      @Caller() caller: ScimCaller,
      @Param('id') id: string,
      @Headers('if-match') ifMatch: string | undefined,
      @Meta() meta: RequestMeta,
    ): Promise<void> {
      await this.adapter.remove(caller, id, ifMatch, meta);
    }
  }
  // Nest names controllers by class in its logs; the two endpoints should not read alike.
  Object.defineProperty(ScimResourceController, 'name', { value: `Scim${endpoint}Controller` });
  return ScimResourceController;
}

/** RFC 7644 /Users: the tenant's members. */
export const ScimUsersController = scimResourceController('Users', ScimUsersService);
/** RFC 7644 /Groups: the tenant's teams. */
export const ScimGroupsController = scimResourceController('Groups', ScimGroupsService);
