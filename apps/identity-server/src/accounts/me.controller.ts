import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { isUuid } from '#database';
import { AuditService, PLATFORM_AUDIT_TENANT } from '../audit/audit.service.js';
import { MfaService } from './mfa/mfa.service.js';
import { requireSession } from '../common/principal.js';
import { SessionsService } from '../auth/index.js';
import { SignedIn } from '../common/decorators.js';
import { UserCtx, type UserContext } from '../common/request-context.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { pageArgs } from '../common/pagination.js';
import { auditFilterOf, AuditQueryDto } from '../audit/dto/audit-query.dto.js';
import { AccountsService } from './accounts.service.js';
import { EmailLinksService } from './email-links.service.js';
import { VerificationSentDto } from './dto/email.dto.js';
import { ChangePasswordDto, MfaCodeDto, UpdateProfileDto } from './dto/account.dto.js';
import { ApiIdParam } from '../common/openapi.js';
import { AuditEventPageDto } from '../audit/dto/audit-event-response.dto.js';
import { SessionPageDto } from '../auth/index.js';
import { MfaEnrolmentDto, ProfileDto, RecoveryCodesDto } from './dto/profile-response.dto.js';

/** The signed-in person's own account: profile, password, sessions, second factor, history. */
@ApiTags('me')
@Controller('api/v1/me')
export class MeController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly emailLinks: EmailLinksService,
    private readonly sessions: SessionsService,
    private readonly mfa: MfaService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @SignedIn()
  @ApiOperation({ summary: 'Your profile, with the tenants you belong to and your role in each' })
  @ApiOkResponse({ type: ProfileDto })
  get(@UserCtx() { principal: user }: UserContext) {
    return this.accounts.profile(user.id);
  }

  @Patch()
  @SignedIn()
  @ApiOperation({
    summary: 'Change display name, avatar URL, time zone or notification preferences',
  })
  @ApiOkResponse({ type: ProfileDto })
  update(@UserCtx() { principal: user, meta }: UserContext, @Body() dto: UpdateProfileDto) {
    return this.accounts.updateProfile(user.id, dto, meta);
  }

  @Post('password')
  @HttpCode(204)
  @SignedIn()
  @ApiOperation({ summary: 'Change your password; your other sessions are signed out' })
  @ApiNoContentResponse()
  async changePassword(
    @UserCtx() { principal: user, meta }: UserContext,
    @Body() dto: ChangePasswordDto,
  ): Promise<void> {
    requireSession(user);
    await this.accounts.changePassword(user.id, user.sessionId, dto, meta);
  }

  @Post('email/verification')
  @HttpCode(202)
  @SignedIn()
  @ApiOperation({ summary: "Email a link that verifies your account's current address" })
  @ApiAcceptedResponse({ type: VerificationSentDto })
  @ApiConflictResponse({ description: 'email_already_verified' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited (per client address); Retry-After' })
  sendVerification(@UserCtx() { principal: user, meta }: UserContext) {
    return this.emailLinks.sendVerification(user.id, meta);
  }

  @Get('sessions')
  @SignedIn()
  @ApiOperation({ summary: 'Your signed-in sessions: device, IP, created and last seen' })
  @ApiOkResponse({ type: SessionPageDto })
  async listSessions(@UserCtx() { principal: user }: UserContext) {
    return { data: await this.sessions.list(user.id, user.sessionId), nextCursor: null };
  }

  @Delete('sessions/:sessionId')
  @HttpCode(204)
  @SignedIn()
  @ApiOperation({ summary: 'Sign out a session; its access token stops working at once' })
  @ApiNoContentResponse()
  @ApiIdParam('sessionId', 'One of your sessions')
  async revokeSession(
    @UserCtx() { principal: user, meta }: UserContext,
    @Param('sessionId') sessionId: string,
  ): Promise<void> {
    if (!isUuid(sessionId)) throw new DomainException(ErrorCode.SessionNotFound);
    await this.sessions.revoke(user.id, sessionId, 'revoked_by_user', meta);
  }

  @Get('security-events')
  @SignedIn()
  @ApiOperation({
    summary: 'Your login history and security events (sign-ins, sessions, MFA, password)',
  })
  @ApiOkResponse({ type: AuditEventPageDto })
  securityEvents(@UserCtx() { principal: user }: UserContext, @Query() query: AuditQueryDto) {
    const { limit, after } = pageArgs(query);
    // Only events about this person, whatever targetId the query names.
    return this.audit.list(
      PLATFORM_AUDIT_TENANT,
      { ...auditFilterOf(query), targetId: user.id },
      limit,
      after,
      query.order,
    );
  }

  @Post('mfa/totp')
  @HttpCode(201)
  @SignedIn()
  @ApiOperation({
    summary: 'Start TOTP enrolment: returns an otpauth:// URI for an authenticator app',
  })
  @ApiCreatedResponse({ type: MfaEnrolmentDto })
  enrol(@UserCtx() { principal: user }: UserContext) {
    requireSession(user);
    return this.mfa.enrol(user.id);
  }

  @Post('mfa/totp/confirm')
  @HttpCode(200)
  @SignedIn()
  @ApiOperation({
    summary: 'Confirm enrolment with a code; returns ten single-use recovery codes, once',
  })
  @ApiOkResponse({ type: RecoveryCodesDto })
  confirm(@UserCtx() { principal: user, meta }: UserContext, @Body() dto: MfaCodeDto) {
    requireSession(user);
    return this.mfa.confirm(user.id, dto.code, meta);
  }

  @Delete('mfa/totp')
  @HttpCode(204)
  @SignedIn()
  @ApiOperation({ summary: 'Turn TOTP off with a current code or a recovery code' })
  @ApiNoContentResponse()
  async disable(
    @UserCtx() { principal: user, meta }: UserContext,
    @Body() dto: MfaCodeDto,
  ): Promise<void> {
    requireSession(user);
    await this.mfa.disable(user.id, dto.code, meta);
  }
}
