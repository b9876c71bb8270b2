import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { RateLimitService } from '../auth/index.js';
import { Meta, Permission, Public, SignedIn } from '../common/decorators.js';
import type { RequestMeta } from '../common/principal.js';
import {
  TenantCtx,
  UserCtx,
  type TenantContext,
  type UserContext,
} from '../common/request-context.js';
import { pageArgs } from '../common/pagination.js';
import { CreateInvitationDto, InvitationQueryDto } from './dto/invitation.dto.js';
import { InvitationsService } from './invitations.service.js';
import { ApiIdParam, ApiTenantParam } from '../common/openapi.js';
import {
  AcceptedInvitationDto,
  InvitationDto,
  InvitationPageDto,
  InvitationPreviewDto,
  InvitationWithLinkDto,
} from './dto/invitation-response.dto.js';

@ApiTags('invitations')
@ApiTenantParam()
@Controller('api/v1/tenants/:tenantId/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post()
  @HttpCode(201)
  @Permission('create', 'Invitation')
  @ApiOperation({
    summary: 'Invite someone by email; the response carries the invite link, which is also emailed',
  })
  @ApiCreatedResponse({
    type: InvitationWithLinkDto,
    description: 'The invitation with inviteUrl (shown only here and on resend)',
  })
  create(@TenantCtx() ctx: TenantContext, @Body() dto: CreateInvitationDto) {
    return this.invitations.create(ctx, dto);
  }

  @Get()
  @Permission('read', 'Invitation')
  @ApiOperation({
    summary:
      'List invitations (?status=pending|accepted|expired|revoked), with email delivery state',
  })
  @ApiOkResponse({ type: InvitationPageDto })
  list(@TenantCtx() ctx: TenantContext, @Query() query: InvitationQueryDto) {
    const { limit, after } = pageArgs(query);
    return this.invitations.list(ctx.tenantId, query, limit, after);
  }

  @Get(':invitationId')
  @Permission('read', 'Invitation')
  @ApiOperation({ summary: 'Get an invitation' })
  @ApiIdParam('invitationId', 'The invitation')
  @ApiOkResponse({ type: InvitationDto })
  get(@TenantCtx() ctx: TenantContext, @Param('invitationId') id: string) {
    return this.invitations.get(ctx.tenantId, id);
  }

  @Post(':invitationId/resend')
  @HttpCode(200)
  @Permission('create', 'Invitation')
  @ApiOperation({ summary: 'Send again with a new link and expiry; the old link stops working' })
  @ApiIdParam('invitationId', 'The invitation')
  @ApiOkResponse({ type: InvitationWithLinkDto })
  resend(@TenantCtx() ctx: TenantContext, @Param('invitationId') id: string) {
    return this.invitations.resend(ctx, id);
  }

  @Post(':invitationId/revoke')
  @HttpCode(200)
  @Permission('delete', 'Invitation')
  @ApiOperation({ summary: 'Revoke a pending invitation' })
  @ApiIdParam('invitationId', 'The invitation')
  @ApiOkResponse({ type: InvitationDto })
  revoke(@TenantCtx() ctx: TenantContext, @Param('invitationId') id: string) {
    return this.invitations.revoke(ctx, id);
  }
}

@ApiTags('invitations')
@Controller('api/v1/invitations')
export class InvitationLinksController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly rateLimits: RateLimitService,
  ) {}

  @Get(':token')
  @Public()
  @ApiOperation({
    summary: 'Preview an invitation from its link: organization, role, provider, status, expiry',
  })
  @ApiParam({ name: 'token', type: String, description: 'The token from the invitation link' })
  @ApiOkResponse({ type: InvitationPreviewDto })
  @ApiNotFoundResponse({ description: 'invitation_not_found: no invitation has this token' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited (per client address); Retry-After' })
  async preview(@Param('token') token: string, @Meta() meta: RequestMeta) {
    await this.rateLimits.consume('invitation', meta.ip);
    return this.invitations.preview(token);
  }

  @Post(':token/accept')
  @HttpCode(200)
  @SignedIn()
  @ApiOperation({
    summary:
      'Accept an invitation as the signed-in person; creates the membership with the invited role',
  })
  @ApiParam({ name: 'token', type: String, description: 'The token from the invitation link' })
  @ApiOkResponse({ type: AcceptedInvitationDto, description: 'The new membership' })
  @ApiGoneResponse({ description: 'invitation_expired, invitation_revoked' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited (per client address); Retry-After' })
  async accept(@UserCtx() ctx: UserContext, @Param('token') token: string) {
    await this.rateLimits.consume('invitation', ctx.meta.ip);
    return this.invitations.accept(ctx, token);
  }
}
