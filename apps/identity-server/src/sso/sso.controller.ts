import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { SecretBox } from '#auth-crypto';
import { isUuid } from '#database';
import { ExternalAccountsService } from '../accounts/index.js';
import { RefreshCookie, TokenPairDto } from '../auth/index.js';
import { Meta, Public, SignedIn } from '../common/decorators.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { requireSession, type RequestMeta } from '../common/principal.js';
import { UserCtx, type UserContext } from '../common/request-context.js';
import {
  IdentityListDto,
  LinkIdentityDto,
  LinkStartDto,
  ProvidersQueryDto,
  SignInOptionsDto,
  SsoExchangeDto,
} from './dto/sso.dto.js';
import { clearFlowCookie, sealFlow, setFlowCookie } from './sso-flow.js';
import { SignInOptionsService } from './sign-in-options.service.js';
import { SsoStep, SsoStepGuard, type PreparedRequest } from './sso-steps.guard.js';
import { SsoPassportGuard, type PassportOutcome } from './sso.guard.js';
import { SsoService } from './sso.service.js';

const START = {
  summary: 'Start signing in with the provider: 302 to its sign-in page',
  description:
    '`?invitation=<token>` redeems that invitation after the sign-in; `?returnTo=<path on this server>` is where the browser comes back with `?code=` (or `?error=`). State, nonce and PKCE ride in an encrypted, HttpOnly, SameSite=Lax cookie valid 10 minutes.',
};
const CALLBACK = {
  summary:
    "The provider's redirect back: 302 to returnTo with ?code= (or ?error=&error_description=)",
};

/** A sign-in start: public, checked by SsoStepGuard, run by Passport, answered with a 302. */
const SsoStart = (provider?: 'google' | 'microsoft') =>
  applyDecorators(
    Public(),
    SsoStep('start', provider),
    UseGuards(SsoStepGuard, SsoPassportGuard),
    ApiOperation(START),
    ApiFoundResponse({ description: "Redirect to the provider's sign-in page" }),
    ApiBadRequestResponse({ description: 'return_to_invalid' }),
    ApiNotFoundResponse({
      description: provider
        ? 'sso_provider_not_configured, invitation_not_found'
        : 'sso_connection_not_found, invitation_not_found',
    }),
    ApiForbiddenResponse({
      description: 'identity_provider_mismatch (the invitation names another)',
    }),
    ...(provider ? [] : [ApiParam({ name: 'connectionId', format: 'uuid' })]),
  );

/** The provider's redirect back: needs this browser's flow cookie. */
const SsoCallback = (provider?: 'google' | 'microsoft') =>
  applyDecorators(
    Public(),
    SsoStep('callback', provider),
    UseGuards(SsoStepGuard, SsoPassportGuard),
    ApiOperation(CALLBACK),
    ApiFoundResponse({ description: 'Redirect to returnTo' }),
    ApiBadRequestResponse({ description: 'sso_state_invalid: no, altered or expired flow cookie' }),
    ...(provider ? [] : [ApiParam({ name: 'connectionId', format: 'uuid' })]),
  );

/** Sign-in through Google, Microsoft Entra ID and tenants' OIDC connections. */
@ApiTags('auth')
@Controller('api/v1/auth')
export class SsoController {
  constructor(
    private readonly sso: SsoService,
    private readonly options: SignInOptionsService,
    private readonly box: SecretBox,
  ) {}

  @Get('providers')
  @Public()
  @ApiOperation({
    summary: 'What a sign-in page may offer; for an invitation only what it allows',
  })
  @ApiOkResponse({ type: SignInOptionsDto })
  providers(@Query() query: ProvidersQueryDto, @Meta() meta: RequestMeta) {
    return this.options.list(query, meta);
  }

  @Get('sso/oidc/:connectionId')
  @SsoStart()
  startOidc(@Req() request: PreparedRequest, @Res() reply: FastifyReply) {
    return this.redirectOut(request, reply);
  }

  @Get('sso/oidc/:connectionId/callback')
  @SsoCallback()
  callbackOidc(
    @Req() request: PreparedRequest,
    @Res() reply: FastifyReply,
    @Meta() meta: RequestMeta,
  ) {
    return this.redirectBack(request, reply, meta);
  }

  @Get('sso/google')
  @SsoStart('google')
  startGoogle(@Req() request: PreparedRequest, @Res() reply: FastifyReply) {
    return this.redirectOut(request, reply);
  }

  @Get('sso/google/callback')
  @SsoCallback('google')
  callbackGoogle(
    @Req() request: PreparedRequest,
    @Res() reply: FastifyReply,
    @Meta() meta: RequestMeta,
  ) {
    return this.redirectBack(request, reply, meta);
  }

  @Get('sso/microsoft')
  @SsoStart('microsoft')
  startMicrosoft(@Req() request: PreparedRequest, @Res() reply: FastifyReply) {
    return this.redirectOut(request, reply);
  }

  @Get('sso/microsoft/callback')
  @SsoCallback('microsoft')
  callbackMicrosoft(
    @Req() request: PreparedRequest,
    @Res() reply: FastifyReply,
    @Meta() meta: RequestMeta,
  ) {
    return this.redirectBack(request, reply, meta);
  }

  @Post('sso/exchange')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary:
      'Trade the code from the SSO redirect for tokens (the same answer as password sign-in)',
  })
  @RefreshCookie()
  @ApiOkResponse({ type: TokenPairDto })
  @ApiBadRequestResponse({ description: 'sso_code_invalid: unknown, used or older than 60 s' })
  @ApiUnauthorizedResponse({ description: 'mfa_required (send totp with the code), mfa_invalid' })
  exchange(@Body() dto: SsoExchangeDto, @Meta() meta: RequestMeta) {
    return this.sso.exchange(dto, meta);
  }

  private redirectOut(request: PreparedRequest, reply: FastifyReply): void {
    const outcome = request.ssoOutcome as PassportOutcome;
    if (outcome.kind !== 'redirect') throw this.startFailure(outcome);
    const flow = this.sso.flowOf(request.ssoDraft!, request);
    setFlowCookie(reply, sealFlow(this.box, flow), this.sso.secureCookies);
    void reply.redirect(outcome.url, 302);
  }

  private async redirectBack(
    request: PreparedRequest,
    reply: FastifyReply,
    meta: RequestMeta,
  ): Promise<void> {
    const result = await this.sso.finish(
      request.ssoFlow!,
      request.ssoOutcome as PassportOutcome,
      meta,
    );
    clearFlowCookie(reply, this.sso.secureCookies);
    void reply.redirect(this.sso.absolute(result.location), 302);
  }

  private startFailure(outcome: PassportOutcome): DomainException {
    return new DomainException(
      ErrorCode.SsoFailed,
      outcome.kind === 'error' && outcome.error instanceof DomainException
        ? outcome.error.message
        : 'The sign-in could not be started with this provider',
      undefined,
      502,
    );
  }
}

/** The signed-in person's ways to sign in: list, connect another, remove one. */
@ApiTags('me')
@Controller('api/v1/me/identities')
export class IdentitiesController {
  constructor(
    private readonly identities: ExternalAccountsService,
    private readonly sso: SsoService,
    private readonly box: SecretBox,
  ) {}

  @Get()
  @SignedIn()
  @ApiOperation({ summary: 'Your connected sign-in methods (password, Google, Microsoft, OIDC)' })
  @ApiOkResponse({ type: IdentityListDto })
  async list(@UserCtx() { principal: user }: UserContext) {
    return { data: await this.identities.list(user.id) };
  }

  @Post()
  @HttpCode(200)
  @SignedIn()
  @SsoStep('link')
  @UseGuards(SsoStepGuard, SsoPassportGuard)
  @ApiOperation({
    summary:
      'Connect a provider: answers the URL to send the browser to, and sets the flow cookie; the callback attaches the identity to you and returns to returnTo?linked=',
  })
  @ApiOkResponse({ type: LinkStartDto })
  link(
    @UserCtx() { principal: user }: UserContext,
    @Body() _dto: LinkIdentityDto,
    @Req() request: PreparedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): LinkStartDto {
    requireSession(user);
    const outcome = request.ssoOutcome as PassportOutcome;
    if (outcome.kind !== 'redirect')
      throw new DomainException(
        ErrorCode.SsoFailed,
        'The provider could not be reached',
        undefined,
        502,
      );
    const flow = this.sso.flowOf(request.ssoDraft!, request);
    setFlowCookie(reply, sealFlow(this.box, flow), this.sso.secureCookies);
    return { redirectUrl: outcome.url };
  }

  @Delete(':identityId')
  @HttpCode(204)
  @SignedIn()
  @ApiOperation({ summary: 'Remove a way to sign in; never the last one' })
  @ApiParam({ name: 'identityId', format: 'uuid' })
  @ApiNoContentResponse()
  async unlink(
    @UserCtx() { principal: user, meta }: UserContext,
    @Param('identityId') identityId: string,
  ): Promise<void> {
    requireSession(user);
    if (!isUuid(identityId)) throw new DomainException(ErrorCode.IdentityNotFound);
    await this.identities.unlink(user.id, identityId, meta);
  }
}
