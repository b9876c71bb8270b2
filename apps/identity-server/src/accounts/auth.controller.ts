import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiGoneResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AccountsService } from './accounts.service.js';
import { EmailLinksService } from './email-links.service.js';
import {
  EmailLinkDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  ResetSentDto,
  VerificationSentDto,
  VerifiedEmailDto,
} from './dto/email.dto.js';
import { LoginDto, RefreshDto, SignupDto } from './dto/account.dto.js';
import { Meta, Public, SignedIn } from '../common/decorators.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import type { RequestMeta } from '../common/principal.js';
import { UserCtx, type UserContext } from '../common/request-context.js';
import { RefreshCookie, SessionsService, TokenPairDto } from '../auth/index.js';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly emailLinks: EmailLinksService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('signup')
  @HttpCode(202)
  @Public()
  @ApiOperation({
    summary:
      'Sign up with email and password: emails a link that creates the account (the answer is the same whether or not the address has an account)',
  })
  @ApiAcceptedResponse({ type: VerificationSentDto })
  @ApiBadRequestResponse({ description: 'validation_failed, weak_password' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited (per client address); Retry-After' })
  signup(@Body() dto: SignupDto, @Meta() meta: RequestMeta) {
    return this.emailLinks.signup(dto, meta);
  }

  @Post('verify-email')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary:
      'Redeem an email link: a sign-up link creates the account and signs in; a verification link verifies the address',
  })
  @RefreshCookie({ pairAt: 'signedIn' })
  @ApiOkResponse({ type: VerifiedEmailDto })
  @ApiBadRequestResponse({ description: 'validation_failed, email_link_invalid (unknown or used)' })
  @ApiGoneResponse({ description: 'email_link_expired' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited (per client address); Retry-After' })
  verifyEmail(@Body() dto: EmailLinkDto, @Meta() meta: RequestMeta) {
    return this.emailLinks.verifyEmail(dto.token, meta);
  }

  @Post('password-reset')
  @HttpCode(202)
  @Public()
  @ApiOperation({
    summary:
      'Ask for a password reset link; the answer is the same whether or not the address has an account',
  })
  @ApiAcceptedResponse({ type: ResetSentDto })
  @ApiBadRequestResponse({ description: 'validation_failed' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited (per client address); Retry-After' })
  passwordReset(@Body() dto: PasswordResetRequestDto, @Meta() meta: RequestMeta) {
    return this.emailLinks.requestPasswordReset(dto.email, meta);
  }

  @Post('password-reset/confirm')
  @HttpCode(204)
  @Public()
  @ApiOperation({
    summary: 'Set a new password with a reset link; every session of the account is signed out',
  })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({
    description:
      'validation_failed, email_link_invalid, weak_password or password_reused (the link keeps working)',
  })
  @ApiGoneResponse({ description: 'email_link_expired' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited (per client address); Retry-After' })
  async confirmPasswordReset(
    @Body() dto: PasswordResetConfirmDto,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.emailLinks.confirmPasswordReset(dto.token, dto.password, meta);
  }

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Sign in with email and password (and totp or recoveryCode when enrolled)',
  })
  @RefreshCookie()
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
  @ApiOperation({
    summary:
      'Trade a refresh token (from the body, or in cookie mode from the refresh_token cookie) for a new pair; each refresh token works once',
  })
  @RefreshCookie({ reads: true })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiBadRequestResponse({
    description: 'validation_failed (no refreshToken in the body, outside cookie mode)',
  })
  @ApiUnauthorizedResponse({
    description:
      'refresh_token_invalid (also: cookie mode without the cookie), refresh_token_reused (the session is then revoked); in cookie mode both clear the cookie',
  })
  refresh(@Body() dto: RefreshDto, @Meta() meta: RequestMeta) {
    return this.sessions.refresh(dto.refreshToken, meta);
  }

  @Post('logout')
  @HttpCode(204)
  @SignedIn()
  @ApiOperation({ summary: 'End the current session (and clear the refresh_token cookie)' })
  @RefreshCookie({ clears: true })
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
