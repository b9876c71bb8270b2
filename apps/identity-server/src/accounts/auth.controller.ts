import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AccountsService } from './accounts.service.js';
import { LoginDto, RefreshDto, SignupDto } from './dto/account.dto.js';
import { Meta, Public, SignedIn } from '../common/decorators.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import type { RequestMeta } from '../common/principal.js';
import { UserCtx, type UserContext } from '../common/request-context.js';
import { SessionsService } from '../auth/index.js';
import { TokenPairDto } from '../auth/index.js';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('signup')
  @HttpCode(201)
  @Public()
  @ApiOperation({ summary: 'Create an account with email and password, and sign in' })
  @ApiCreatedResponse({ type: TokenPairDto })
  @ApiBadRequestResponse({ description: 'validation_failed, weak_password' })
  @ApiConflictResponse({ description: 'email_taken' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited (per client address); Retry-After' })
  signup(@Body() dto: SignupDto, @Meta() meta: RequestMeta) {
    return this.accounts.signup(dto, meta);
  }

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Sign in with email and password (and totp or recoveryCode when enrolled)',
  })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiBadRequestResponse({ description: 'validation_failed' })
  @ApiUnauthorizedResponse({
    description: 'invalid_credentials, mfa_required (send totp or recoveryCode), mfa_invalid',
  })
  @ApiTooManyRequestsResponse({ description: 'too_many_attempts; Retry-After says when' })
  login(@Body() dto: LoginDto, @Meta() meta: RequestMeta) {
    return this.accounts.login(dto, meta);
  }

  @Post('refresh')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Trade a refresh token for a new pair; each refresh token works once' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiBadRequestResponse({ description: 'validation_failed' })
  @ApiUnauthorizedResponse({
    description: 'refresh_token_invalid, refresh_token_reused (the session is then revoked)',
  })
  refresh(@Body() dto: RefreshDto, @Meta() meta: RequestMeta) {
    return this.sessions.refresh(dto.refreshToken, meta);
  }

  @Post('logout')
  @HttpCode(204)
  @SignedIn()
  @ApiOperation({ summary: 'End the current session' })
  @ApiNoContentResponse()
  async logout(@UserCtx() { principal: user, meta }: UserContext): Promise<void> {
    if (!user.sessionId)
      throw new DomainException(
        ErrorCode.SessionRequired,
        'A personal API key has no session to end',
      );
    await this.sessions.revoke(user.id, user.sessionId, 'logout', meta);
  }
}
