import { PassThrough, Readable } from 'node:stream';
import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiConsumes,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Permission } from '../common/decorators.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { ApiTenantParam } from '../common/openapi.js';
import { TenantCtx, type TenantContext } from '../common/request-context.js';
import {
  ImportSummaryDto,
  PutResourceDto,
  ResourceDto,
  ResourceListQueryDto,
  ResourcePageDto,
} from './dto/resource.dto.js';
import { runImport } from './resource-import.js';
import { CatalogService, decodeResourceCursor } from './resources.service.js';

const TYPE_PARAM = ApiParam({ name: 'type', type: String, description: 'The resource type' });
const ID_PARAM = ApiParam({ name: 'id', type: String, description: "The caller's resource id" });

@ApiTags('resources')
@ApiTenantParam()
@Controller('api/v1/tenants/:tenantId/resources')
export class ResourcesController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @Permission('read', 'Resource')
  @ApiOperation({ summary: 'List catalog resources by type and id' })
  @ApiOkResponse({ type: ResourcePageDto })
  list(@TenantCtx() ctx: TenantContext, @Query() query: ResourceListQueryDto) {
    const after = query.cursor === undefined ? null : decodeResourceCursor(query.cursor);
    return this.catalog.list(ctx.tenantId, query.type ?? null, after, query.limit ?? 50);
  }

  @Post('import')
  @HttpCode(200)
  @Permission('create', 'Resource')
  @ApiConsumes('application/x-ndjson')
  @ApiOperation({
    summary:
      'Import resources: NDJSON lines { type, id, properties?, ownerMemberId?, teamId? }, upserted in batches; Accept: application/x-ndjson streams progress',
  })
  @ApiOkResponse({ type: ImportSummaryDto })
  async import(
    @TenantCtx() ctx: TenantContext,
    @Req() request: FastifyRequest,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // Only the NDJSON parser hands over a stream; a JSON body or none is not an import.
    if (!(request.body instanceof Readable))
      throw new DomainException(
        ErrorCode.UnsupportedMediaType,
        'Send the resources as NDJSON lines with Content-Type: application/x-ndjson',
      );
    const body = request.body;
    if (!accept?.includes('application/x-ndjson')) return runImport(this.catalog, ctx, body);
    const out = new PassThrough();
    void reply.header('content-type', 'application/x-ndjson');
    void runImport(this.catalog, ctx, body, (p) => out.write(`${JSON.stringify(p)}\n`)).then(
      (summary) =>
        out.end(`${JSON.stringify({ ...summary, processed: summary.received, done: true })}\n`),
      (error: unknown) => {
        out.end(
          `${JSON.stringify({ done: true, error: 'internal_error', message: 'the import stopped' })}\n`,
        );
        request.log.error({ err: error }, 'resource import failed');
      },
    );
    return new StreamableFile(out, { type: 'application/x-ndjson' });
  }

  @Get(':type/:id')
  @Permission('read', 'Resource')
  @ApiOperation({ summary: 'Get a catalog resource' })
  @TYPE_PARAM
  @ID_PARAM
  @ApiOkResponse({ type: ResourceDto })
  @ApiNotFoundResponse({ description: 'resource_not_found' })
  get(@TenantCtx() ctx: TenantContext, @Param('type') type: string, @Param('id') id: string) {
    return this.catalog.get(ctx.tenantId, type, id);
  }

  @Put(':type/:id')
  @Permission('update', 'Resource')
  @ApiOperation({ summary: 'Create (201) or replace (200) a catalog resource' })
  @TYPE_PARAM
  @ID_PARAM
  @ApiOkResponse({ type: ResourceDto })
  @ApiNotFoundResponse({
    description: 'member_not_found, team_not_found: not of this organization',
  })
  async put(
    @TenantCtx() ctx: TenantContext,
    @Param('type') type: string,
    @Param('id') id: string,
    @Body() body: PutResourceDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { resource, created } = await this.catalog.put(ctx, type, id, body ?? {});
    void reply.status(created ? 201 : 200);
    return resource;
  }

  @Delete(':type/:id')
  @HttpCode(204)
  @Permission('delete', 'Resource')
  @ApiOperation({ summary: 'Delete a catalog resource' })
  @TYPE_PARAM
  @ID_PARAM
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'resource_not_found' })
  async remove(
    @TenantCtx() ctx: TenantContext,
    @Param('type') type: string,
    @Param('id') id: string,
  ): Promise<void> {
    await this.catalog.remove(ctx, type, id);
  }
}
