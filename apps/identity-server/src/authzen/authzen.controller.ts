import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Permission, Public } from '../common/decorators.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { ApiTenantParam } from '../common/openapi.js';
import { fieldErrors } from '../common/problem.filter.js';
import { TenantCtx, type TenantContext } from '../common/request-context.js';
import { isUuid } from '#database';
import { TenantsService } from '../tenants/index.js';
import {
  readEvaluation,
  readEvaluations,
  RequestProblems,
  wantsReasons,
} from './authzen-request.js';
import { AuthzenService } from './authzen.service.js';

/** The specification's request bodies are read by hand (authzen-request.ts), field by field. */
const ANY_OBJECT = { schema: { type: 'object', additionalProperties: true } };

/** A request's problems as the API's 400 (validation_failed), each field named by its path. */
async function checked<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RequestProblems) throw fieldErrors(error.problems);
    throw error;
  }
}

/**
 * OpenID AuthZEN Authorization API 1.0, one decision point per tenant under its base URL
 * `/api/v1/tenants/{t}`. Callers authenticate with a tenant API key (or any principal allowed to
 * ask for decisions, as on `/authorize`).
 */
@ApiTags('authzen')
@ApiTenantParam()
@Controller('api/v1/tenants/:tenantId/access/v1')
export class AuthzenController {
  constructor(private readonly authzen: AuthzenService) {}

  @Post('evaluation')
  @HttpCode(200)
  @Permission('create', 'Authorization')
  @ApiOperation({
    summary: 'AuthZEN access evaluation: may this subject take this action on this resource?',
  })
  @ApiBody(ANY_OBJECT)
  @ApiOkResponse(ANY_OBJECT)
  evaluation(@TenantCtx() ctx: TenantContext, @Body() body: unknown) {
    return checked(() =>
      this.authzen.evaluate(
        ctx.tenantId,
        readEvaluation(body),
        wantsReasons(body as Record<string, unknown>),
        ctx.meta.requestId,
      ),
    );
  }

  @Post('evaluations')
  @HttpCode(200)
  @Permission('create', 'Authorization')
  @ApiOperation({
    summary: 'AuthZEN access evaluations: a batch, with defaults and evaluations_semantic',
  })
  @ApiBody(ANY_OBJECT)
  @ApiOkResponse(ANY_OBJECT)
  evaluations(@TenantCtx() ctx: TenantContext, @Body() body: unknown) {
    return checked(async () => {
      const batch = readEvaluations(body);
      const reasons = wantsReasons(body as Record<string, unknown>);
      // Without evaluations, the request is a single evaluation and answers like one.
      if (batch.items === null)
        return this.authzen.evaluate(
          ctx.tenantId,
          readEvaluation(body),
          reasons,
          ctx.meta.requestId,
        );
      return {
        evaluations: await this.authzen.evaluations(
          ctx.tenantId,
          { ...batch, items: batch.items },
          reasons,
          ctx.meta.requestId,
        ),
      };
    });
  }

  @Post('search/subject')
  @HttpCode(200)
  @Permission('create', 'Authorization')
  @ApiOperation({
    summary: 'AuthZEN subject search: the members who may take the action on the resource',
  })
  @ApiBody(ANY_OBJECT)
  @ApiOkResponse(ANY_OBJECT)
  searchSubject(@TenantCtx() ctx: TenantContext, @Body() body: unknown) {
    return checked(() => this.authzen.searchSubjects(ctx.tenantId, body));
  }

  @Post('search/resource')
  @HttpCode(200)
  @Permission('create', 'Authorization')
  @ApiOperation({ summary: 'AuthZEN resource search: the catalog entries the subject may act on' })
  @ApiBody(ANY_OBJECT)
  @ApiOkResponse(ANY_OBJECT)
  searchResource(@TenantCtx() ctx: TenantContext, @Body() body: unknown) {
    return checked(() => this.authzen.searchResources(ctx.tenantId, body));
  }

  @Post('search/action')
  @HttpCode(200)
  @Permission('create', 'Authorization')
  @ApiOperation({
    summary: 'AuthZEN action search: the actions the subject may take on the resource',
  })
  @ApiBody(ANY_OBJECT)
  @ApiOkResponse(ANY_OBJECT)
  searchAction(@TenantCtx() ctx: TenantContext, @Body() body: unknown) {
    return checked(() => this.authzen.searchActions(ctx.tenantId, body));
  }
}

/**
 * The decision point's metadata, at the well-known path with the tenant's base path inserted
 * after it (RFC 8615 style, as the specification's multi-tenant PDPs do): public, like any
 * well-known document.
 */
@ApiTags('authzen')
@Controller('.well-known/authzen-configuration/api/v1/tenants')
export class AuthzenMetadataController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tenants: TenantsService,
  ) {}

  @Get(':tenant')
  @Public()
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: "A tenant's AuthZEN policy decision point metadata" })
  @ApiOkResponse(ANY_OBJECT)
  async metadata(@Param('tenant') tenant: string) {
    if (!isUuid(tenant) || !(await this.tenants.exists(tenant)))
      throw new DomainException(ErrorCode.TenantNotFound);
    const pdp = `${this.config.publicUrl}/api/v1/tenants/${tenant}`;
    return {
      policy_decision_point: pdp,
      access_evaluation_endpoint: `${pdp}/access/v1/evaluation`,
      access_evaluations_endpoint: `${pdp}/access/v1/evaluations`,
      search_subject_endpoint: `${pdp}/access/v1/search/subject`,
      search_resource_endpoint: `${pdp}/access/v1/search/resource`,
      search_action_endpoint: `${pdp}/access/v1/search/action`,
    };
  }
}
