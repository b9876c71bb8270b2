import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { canGrantRole } from '#policy';
import { assertRoleExists } from '../roles/index.js';
import { isUuid, issueSecret, newId, parseSecret, secretMatches, type CursorKey } from '#database';
import { AccountEntity, AccountIdentityEntity } from '../accounts/index.js';
import { ApiKeyEntity } from '../api-keys/index.js';
import { AuditService } from '../audit/audit.service.js';
import {
  actorOf,
  requireSession,
  type RequestMeta,
  type UserPrincipal,
} from '../common/principal.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { pageOf, type Page } from '../common/pagination.js';
import { fieldErrors } from '../common/problem.filter.js';
import { granterRole, type TenantContext, type UserContext } from '../common/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { OutboxService, type Delivery } from '../mail/outbox.service.js';
import { invitationEvents } from '../metrics/metrics.js';
import { MembershipLifecycle, MembershipsRepository, assertSeatFree } from '../members/index.js';
import { lockTenant } from '../tenancy/tenant-lock.js';
import type { TenantEntity } from '../tenancy/tenant.entity.js';
import { DEFAULT_SETTINGS, mergeSettings } from '../tenancy/settings.js';
import { signInSatisfies } from '../tenancy/sign-in-policy.js';
import { assertInvitee, assertProviderAllows, type RedeemingIdentity } from './invitee.js';
import type {
  CreateInvitationDto,
  InvitationQueryDto,
  InvitationStatus,
} from './dto/invitation.dto.js';
import { InvitationEntity } from './invitation.entity.js';
import { InvitationsRepository } from './invitations.repository.js';
import { invitationEmail } from './invitation-email.js';
import { assertInvitationAllows, invitationStatusOf } from './invitation-status.js';

export const INVITATION_TOKEN_KIND = 'inv';
const DAY_MS = 86_400_000;

export interface AcceptedInvitation {
  tenantId: string;
  memberId: string;
  role: string;
}

/** Refusals about who is redeeming, audited as invitation.refused in the invitation's tenant. */
const REFUSALS_AUDITED = new Set<ErrorCode>([
  ErrorCode.IdentityProviderMismatch,
  ErrorCode.InviteeMismatch,
  ErrorCode.EmailNotVerified,
  ErrorCode.SsoRequired,
]);

export interface InvitationView {
  id: string;
  email: string;
  username: string;
  role: string;
  identityProvider: string;
  entraTenantId: string | null;
  notificationEmail: string | null;
  status: InvitationStatus;
  expiresAt: string;
  createdAt: string;
  invitedBy: { type: string; id: string };
  delivery: Delivery | null;
}

/** Who invites: the role they invite with bounds the role they may give. */
type Inviter = Pick<TenantContext, 'tenantId' | 'principal' | 'membership' | 'meta'>;

/**
 * Invitations: create, list, resend, revoke, preview and accept. Every change that can use a
 * seat holds the tenant row's lock, so the seat limit holds under parallel requests; tokens are
 * single-use, 256-bit, stored as SHA-256.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly lifecycle: MembershipLifecycle,
    private readonly memberships: MembershipsRepository,
    private readonly invitations: InvitationsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(
    inviter: Inviter,
    dto: CreateInvitationDto,
  ): Promise<InvitationView & { inviteUrl: string }> {
    const { tenantId, meta } = inviter;
    const granter = granterRole(inviter);
    if (!canGrantRole(granter, dto.role)) {
      throw new DomainException(
        ErrorCode.RoleEscalation,
        `A ${granter} cannot invite someone as ${dto.role}`,
      );
    }
    const identityProvider = dto.identityProvider ?? 'any';
    if (dto.entraTenantId && identityProvider !== 'microsoft') {
      throw fieldErrors([
        { field: 'entraTenantId', message: 'entraTenantId goes with identityProvider "microsoft"' },
      ]);
    }
    const result = await this.dataSource.transaction(async (em) => {
      const tenant = await lockTenant(em, tenantId);
      await assertRoleExists(em, tenantId, dto.role);
      await this.assertNoConflict(em, tenantId, dto.email, dto.username);
      await this.assertSeat(em, tenant);
      const token = issueSecret(INVITATION_TOKEN_KIND);
      const now = new Date();
      const invitation: InvitationEntity = {
        tenantId,
        id: newId(),
        email: dto.email,
        username: dto.username,
        role: dto.role,
        identityProvider,
        entraTenantId: dto.entraTenantId ?? null,
        notificationEmail: dto.notificationEmail ?? null,
        tokenPrefix: token.prefix,
        tokenHash: token.hash,
        status: 'pending',
        expiresAt: new Date(now.getTime() + tenant.settings.invitationTtlDays * DAY_MS),
        invitedByType: actorOf(inviter.principal).type,
        invitedById: actorOf(inviter.principal).id,
        acceptedMembershipId: null,
        createdAt: now,
        updatedAt: now,
      };
      await this.invitations.of(tenantId, em).insert(invitation);
      await this.audit.record(em, {
        tenantId,
        type: 'member.invited',
        actor: actorOf(inviter.principal),
        target: { type: 'invitation', id: invitation.id },
        meta,
        changes: {
          after: {
            email: invitation.email,
            username: invitation.username,
            role: invitation.role,
            identityProvider,
          },
        },
      });
      await this.sendInvitation(em, tenant, invitation, token.secret, inviter);
      return { invitation, secret: token.secret };
    });
    this.outbox.kick();
    invitationEvents.inc({ event: 'created' });
    return { ...(await this.view(result.invitation)), inviteUrl: this.inviteUrl(result.secret) };
  }

  async list(
    tenantId: string,
    query: InvitationQueryDto,
    limit: number,
    after: CursorKey | null,
  ): Promise<Page<InvitationView>> {
    const rows = await this.invitations.of(tenantId).page(query.status, after, limit);
    const deliveries = await this.outbox.deliveries(
      tenantId,
      rows.map((r) => r.id),
    );
    return pageOf(
      rows,
      limit,
      (i) => i.createdAt,
      (i) => toView(i, deliveries.get(i.id) ?? null),
    );
  }

  async get(tenantId: string, id: string): Promise<InvitationView> {
    if (!isUuid(id)) throw new DomainException(ErrorCode.InvitationNotFound);
    const invitation = await this.invitations.of(tenantId).find(id);
    if (!invitation) throw new DomainException(ErrorCode.InvitationNotFound);
    return this.view(invitation);
  }

  /** A new token and expiry; the old link stops working. */
  async resend(inviter: Inviter, id: string): Promise<InvitationView & { inviteUrl: string }> {
    const { tenantId, meta } = inviter;
    if (!isUuid(id)) throw new DomainException(ErrorCode.InvitationNotFound);
    const result = await this.dataSource.transaction(async (em) => {
      const tenant = await lockTenant(em, tenantId);
      const invitations = this.invitations.of(tenantId, em);
      const invitation = await invitations.find(id);
      if (!invitation) throw new DomainException(ErrorCode.InvitationNotFound);
      assertInvitationAllows(invitation, 'resend');
      // An expired invitation holds no seat; sending it again takes one.
      if (invitation.expiresAt.getTime() <= Date.now()) await this.assertSeat(em, tenant);
      const token = issueSecret(INVITATION_TOKEN_KIND);
      const now = new Date();
      const changes = {
        tokenPrefix: token.prefix,
        tokenHash: token.hash,
        expiresAt: new Date(now.getTime() + tenant.settings.invitationTtlDays * DAY_MS),
        updatedAt: now,
      };
      await invitations.update(id, changes);
      await this.audit.record(em, {
        tenantId,
        type: 'invitation.resent',
        actor: actorOf(inviter.principal),
        target: { type: 'invitation', id },
        meta,
        changes: {
          before: { expiresAt: invitation.expiresAt.toISOString() },
          after: { expiresAt: changes.expiresAt.toISOString() },
        },
      });
      const updated = { ...invitation, ...changes };
      await this.sendInvitation(em, tenant, updated, token.secret, inviter);
      return { invitation: updated, secret: token.secret };
    });
    this.outbox.kick();
    invitationEvents.inc({ event: 'created' });
    return { ...(await this.view(result.invitation)), inviteUrl: this.inviteUrl(result.secret) };
  }

  async revoke(
    { tenantId, principal: actor, meta }: Pick<TenantContext, 'tenantId' | 'principal' | 'meta'>,
    id: string,
  ): Promise<InvitationView> {
    if (!isUuid(id)) throw new DomainException(ErrorCode.InvitationNotFound);
    const invitation = await this.dataSource.transaction(async (em) => {
      const invitations = this.invitations.of(tenantId, em);
      const found = await invitations.find(id, true);
      if (!found) throw new DomainException(ErrorCode.InvitationNotFound);
      assertInvitationAllows(found, 'revoke');
      await invitations.update(id, { status: 'revoked', updatedAt: new Date() });
      await this.audit.record(em, {
        tenantId,
        type: 'invitation.revoked',
        actor: actorOf(actor),
        target: { type: 'invitation', id },
        meta,
      });
      return { ...found, status: 'revoked' as const };
    });
    invitationEvents.inc({ event: 'revoked' });
    return this.view(invitation);
  }

  /** What a sign-in page may offer for an invitation link (its tenant and provider). */
  async signInOptions(token: string): Promise<{
    tenantId: string;
    identityProvider: InvitationEntity['identityProvider'];
    entraTenantId: string | null;
    status: InvitationStatus;
  }> {
    const invitation = await this.byToken(this.dataSource.manager, token, false);
    return {
      tenantId: invitation.tenantId,
      identityProvider: invitation.identityProvider,
      entraTenantId: invitation.entraTenantId,
      status: invitationStatusOf(invitation),
    };
  }

  /** Public: what the invitation link shows before signing in. */
  async preview(token: string): Promise<{
    tenantName: string;
    role: string;
    identityProvider: string;
    entraTenantId: string | null;
    email: string;
    invitedBy: string;
    status: InvitationStatus;
    expiresAt: string;
  }> {
    const em = this.dataSource.manager;
    const invitation = await this.byToken(em, token, false);
    const [tenant]: { name: string }[] = await this.dataSource.query(
      'SELECT name FROM tenants WHERE id = $1',
      [invitation.tenantId],
    );
    return {
      tenantName: tenant?.name ?? '',
      role: invitation.role,
      identityProvider: invitation.identityProvider,
      entraTenantId: invitation.entraTenantId,
      // Whoever holds the link sees whom it is for, not the whole address.
      email: maskedEmail(invitation.email),
      invitedBy: await inviterName(em, invitation.tenantId, {
        type: invitation.invitedByType,
        id: invitation.invitedById,
      }),
      status: invitationStatusOf(invitation),
      expiresAt: invitation.expiresAt.toISOString(),
    };
  }

  /**
   * Accepted by a signed-in person: the session's identity must be one the invitation allows
   * (provider, Entra directory) and, unless the tenant lets anyone with the link in, the person
   * it was sent to. The seat limit is checked again here: it may have been lowered since.
   */
  async accept(
    { principal: user, meta }: Pick<UserContext, 'principal' | 'meta'>,
    token: string,
  ): Promise<AcceptedInvitation> {
    requireSession(user);
    return this.redeem(user.id, await this.identityOf(user), token, meta);
  }

  /**
   * Redeems an invitation for an account with the identity it just signed in with (the SSO
   * callback, or accept above). A refusal for who the person is (provider, invitee, sign-in
   * policy) is audited in the invitation's tenant.
   */
  async redeem(
    accountId: string,
    identity: RedeemingIdentity,
    token: string,
    meta: RequestMeta,
  ): Promise<AcceptedInvitation> {
    const found = await this.byToken(this.dataSource.manager, token, false);
    try {
      const accepted = await this.dataSource.transaction(async (em) => {
        const tenant = await lockTenant(em, found.tenantId);
        const invitation = await this.byToken(em, token, true);
        if (invitationStatusOf(invitation) === 'expired')
          invitationEvents.inc({ event: 'expired' });
        assertInvitationAllows(invitation, 'accept');
        assertProviderAllows(invitation, identity);
        const settings = mergeSettings(DEFAULT_SETTINGS, tenant.settings);
        assertInvitee(invitation, identity, settings.invitationRedemption);
        const policy = signInSatisfies(
          tenant.id,
          { signInMethod: identity.method, signInDirectory: identity.directoryId },
          settings,
        );
        if (policy !== true) throw new DomainException(ErrorCode.SsoRequired, policy);
        const account = await em.getRepository(AccountEntity).findOneByOrFail({ id: accountId });
        const membership = await this.lifecycle.joinByInvitation(em, tenant, {
          accountId: account.id,
          email: account.email,
          displayName: account.displayName,
          username: invitation.username,
          role: invitation.role,
        });
        const now = new Date();
        await this.invitations.of(tenant.id, em).update(invitation.id, {
          status: 'accepted',
          acceptedMembershipId: membership.id,
          updatedAt: now,
        });
        await this.audit.record(em, {
          tenantId: tenant.id,
          type: 'invitation.accepted',
          actor: { type: 'account', id: account.id },
          target: { type: 'invitation', id: invitation.id },
          meta,
          changes: {
            after: {
              memberId: membership.id,
              role: membership.role,
              username: membership.username,
              signInMethod: identity.method,
            },
          },
        });
        return { tenantId: tenant.id, memberId: membership.id, role: membership.role };
      });
      invitationEvents.inc({ event: 'accepted' });
      return accepted;
    } catch (error) {
      if (error instanceof DomainException && REFUSALS_AUDITED.has(error.code)) {
        await this.dataSource.transaction((em) =>
          this.audit.record(em, {
            tenantId: found.tenantId,
            type: 'invitation.refused',
            actor: { type: 'account', id: accountId },
            target: { type: 'invitation', id: found.id },
            meta,
            changes: {
              after: {
                code: error.code,
                signInMethod: identity.method,
                ...(identity.directoryId ? { directory: identity.directoryId } : {}),
              },
            },
          }),
        );
      }
      throw error;
    }
  }

  /** What a session's sign-in vouches for: its identity, or the account's verified email. */
  private async identityOf(user: UserPrincipal): Promise<RedeemingIdentity> {
    if (user.identityId) {
      const row = await this.dataSource
        .getRepository(AccountIdentityEntity)
        .findOneBy({ id: user.identityId, accountId: user.id });
      if (row && row.provider !== 'password') {
        return {
          method: row.provider,
          directoryId: user.signInDirectory,
          verifiedEmail: row.emailVerified ? row.email : null,
          unverifiedEmail: row.emailVerified ? null : row.email,
          username: row.username,
        };
      }
    }
    const account = await this.dataSource
      .getRepository(AccountEntity)
      .findOneByOrFail({ id: user.id });
    return {
      method: 'password',
      directoryId: null,
      verifiedEmail: account.emailVerified ? account.email : null,
      unverifiedEmail: account.emailVerified ? null : account.email,
      username: null,
    };
  }

  private async byToken(
    em: EntityManager,
    token: string,
    lock: boolean,
  ): Promise<InvitationEntity> {
    const parsed = parseSecret(token);
    if (parsed?.kind !== INVITATION_TOKEN_KIND)
      throw new DomainException(ErrorCode.InvitationNotFound);
    // Prefixes are unique per tenant; across tenants the hash decides. A resent invitation has a
    // new prefix, so its old link is simply not found.
    const invitation = (await this.invitations.byPrefix(parsed.prefix, em, lock)).find((i) =>
      secretMatches(token, i.tokenHash),
    );
    if (!invitation) throw new DomainException(ErrorCode.InvitationNotFound);
    return invitation;
  }

  private async sendInvitation(
    em: EntityManager,
    tenant: TenantEntity,
    invitation: InvitationEntity,
    secret: string,
    inviter: Inviter,
  ): Promise<void> {
    const email = invitationEmail({
      tenantName: tenant.name,
      inviterName: await inviterName(em, tenant.id, actorOf(inviter.principal)),
      role: invitation.role,
      expiresAt: invitation.expiresAt,
      url: this.inviteUrl(secret),
    });
    await this.outbox.enqueue(em, {
      tenantId: tenant.id,
      subjectType: 'invitation',
      subjectId: invitation.id,
      to: invitation.notificationEmail ?? invitation.email,
      ...email,
    });
  }

  /** The email must not be a member's or pending, nor the username taken (any case). */
  private async assertNoConflict(
    em: EntityManager,
    tenantId: string,
    email: string,
    username: string,
  ): Promise<void> {
    const member = await this.memberships
      .of(tenantId, em)
      .listedWithEmailOrUsername(email, username);
    const pending = member
      ? null
      : await this.invitations.of(tenantId, em).openWithEmailOrUsername(email, username);
    const hit = member ?? pending;
    if (!hit) return;
    const what = member ? 'a member' : 'a pending invitation';
    throw new DomainException(
      ErrorCode.InviteConflict,
      hit.email.toLowerCase() === email
        ? `${email} is already ${what}`
        : `The username ${username} is taken by ${what}`,
    );
  }

  /** Active members plus pending invitations may not reach maxMembers (under the tenant's lock). */
  private assertSeat(em: EntityManager, tenant: TenantEntity): Promise<void> {
    return assertSeatFree(this.memberships.of(tenant.id, em), tenant);
  }

  private inviteUrl(secret: string): string {
    return `${this.config.publicUrl}/invite/${secret}`;
  }

  private async view(invitation: InvitationEntity): Promise<InvitationView> {
    const deliveries = await this.outbox.deliveries(invitation.tenantId, [invitation.id]);
    return toView(invitation, deliveries.get(invitation.id) ?? null);
  }
}

/**
 * Who invited, as the invitation email and the link's preview name them: an actor as
 * actorOf records it (operator, api_key in the invitation's tenant, or account).
 */
async function inviterName(
  em: EntityManager,
  tenantId: string,
  actor: { type: string; id: string },
): Promise<string> {
  if (actor.type === 'operator') return 'The platform operator';
  if (actor.type === 'api_key')
    return (
      (await em.getRepository(ApiKeyEntity).findOneBy({ tenantId, id: actor.id }))?.name ??
      'An API key'
    );
  return (
    (await em.getRepository(AccountEntity).findOneBy({ id: actor.id }))?.displayName ??
    'A colleague'
  );
}

/** `grace@example.com` as `g***@example.com`: enough to recognise, not to harvest. */
export function maskedEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

function toView(i: InvitationEntity, delivery: Delivery | null): InvitationView {
  return {
    id: i.id,
    email: i.email,
    username: i.username,
    role: i.role,
    identityProvider: i.identityProvider,
    entraTenantId: i.entraTenantId,
    notificationEmail: i.notificationEmail,
    status: invitationStatusOf(i),
    expiresAt: i.expiresAt.toISOString(),
    createdAt: i.createdAt.toISOString(),
    invitedBy: { type: i.invitedByType, id: i.invitedById },
    delivery,
  };
}
