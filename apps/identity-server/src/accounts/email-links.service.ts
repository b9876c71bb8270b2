import { Inject, Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { issueSecret, newId, parseSecret, secretMatches } from '#database';
import { AuditService, PLATFORM_AUDIT_TENANT } from '../audit/audit.service.js';
import {
  PasswordService,
  RateLimitService,
  SessionsService,
  type TokenPair,
} from '../auth/index.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import type { RequestMeta } from '../common/principal.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { OutboxService, type MailDelivery } from '../mail/outbox.service.js';
import { AccountsService } from './accounts.service.js';
import type { AccountEntity } from './account.entity.js';
import type { SignupDto } from './dto/account.dto.js';
import { EmailTokenEntity, type EmailTokenPurpose } from './email-token.entity.js';
import {
  passwordResetEmail,
  signupAttemptEmail,
  signupEmail,
  verifyEmailEmail,
  type Email,
} from './emails.js';

/** Links that prove a mailbox (sign-up, verification) and password reset links. */
export const EMAIL_LINK_KIND = 'eml';
export const PASSWORD_RESET_KIND = 'pwr';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

export interface EmailSent {
  status: 'verification_sent';
  message: string;
  /** `outbox` when the server has no SMTP server: the email waits for the operator to read it. */
  delivery: MailDelivery;
}

export interface VerifiedEmail {
  email: string;
  emailVerified: true;
  /** A new session when the link finished a sign-up; null when it verified an existing account. */
  signedIn: TokenPair | null;
}

/**
 * Everything that goes through a link sent by email: sign-up (the account is created once its
 * address is proved), verification of an account's address, and password reset. The sign-up
 * and reset requests answer the same, with the same work, whether or not the address has an
 * account, so they do not tell who is registered. Each link works once: it is redeemed under a
 * row lock, so two parallel redemptions cannot both succeed.
 */
@Injectable()
export class EmailLinksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountsService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly rateLimits: RateLimitService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A sign-up: a new address gets a link that creates the account; an address with an account
   * gets a note to its owner instead, and nothing about the account changes. Both cost an Argon2
   * hash, one lookup and one outbox message, and answer the same.
   */
  async signup(dto: SignupDto, meta: RequestMeta): Promise<EmailSent> {
    // Before any hashing: each sign-up costs an Argon2 hash.
    await this.rateLimits.consume('signup', meta.ip);
    this.passwords.assertAcceptable(dto.password, await this.passwords.policyFor(null));
    const passwordHash = await this.passwords.hash(dto.password);
    await this.dataSource.transaction(async (em) => {
      const existing = await this.accounts.byEmail(em, dto.email);
      if (existing) {
        await this.send(em, 'signup_attempt', existing.id, existing.email, () =>
          signupAttemptEmail({
            displayName: existing.displayName,
            url: `${this.config.publicUrl}/forgot-password`,
          }),
        );
        return;
      }
      const token = await this.issue(em, {
        purpose: 'signup',
        accountId: null,
        email: dto.email,
        displayName: dto.displayName,
        passwordHash,
        ttlMs: this.config.emailVerificationTtlHours * HOUR_MS,
      });
      await this.send(em, 'signup', token.id, dto.email, () =>
        signupEmail({
          displayName: dto.displayName,
          url: this.verifyUrl(token.secret, dto.next),
          expiresAt: token.expiresAt,
        }),
      );
    });
    this.outbox.kick();
    return {
      status: 'verification_sent',
      message: 'Check your email to finish signing up',
      delivery: this.outbox.delivery,
    };
  }

  /** Emails the signed-in person a link that verifies their account's current address. */
  async sendVerification(accountId: string, meta: RequestMeta): Promise<EmailSent> {
    await this.rateLimits.consume('email_send', meta.ip);
    await this.dataSource.transaction(async (em) => {
      const account = await this.accounts.lock(em, accountId);
      if (!account) throw new DomainException(ErrorCode.Unauthenticated);
      if (account.emailVerified) {
        throw new DomainException(
          ErrorCode.EmailAlreadyVerified,
          `${account.email} is already verified`,
        );
      }
      const token = await this.issue(em, {
        purpose: 'verify_email',
        accountId: account.id,
        email: account.email.toLowerCase(),
        displayName: null,
        passwordHash: null,
        ttlMs: this.config.emailVerificationTtlHours * HOUR_MS,
      });
      await this.send(em, 'email_verification', token.id, account.email, () =>
        verifyEmailEmail({
          displayName: account.displayName,
          url: this.verifyUrl(token.secret),
          expiresAt: token.expiresAt,
        }),
      );
    });
    this.outbox.kick();
    return {
      status: 'verification_sent',
      message: 'Check your email to verify your address',
      delivery: this.outbox.delivery,
    };
  }

  /**
   * Redeems a verification link. A sign-up link creates the account (email verified, the
   * password chosen at sign-up) and signs in; a verification link marks the account's address
   * verified when it is still the one the link was sent to. Either links the members
   * provisioned over SCIM for the address.
   */
  async verifyEmail(token: string, meta: RequestMeta): Promise<VerifiedEmail> {
    await this.rateLimits.consume('email_link', meta.ip);
    return this.redeem(token, EMAIL_LINK_KIND, ['signup', 'verify_email'], async (em, link) => {
      if (link.purpose === 'signup') {
        // Another sign-up link for the address, or SSO, may have created the account meanwhile.
        if (await this.accounts.byEmail(em, link.email)) throw linkInvalid();
        let account: AccountEntity;
        try {
          account = await this.accounts.createVerified(
            em,
            {
              email: link.email,
              displayName: link.displayName ?? link.email,
              passwordHash: link.passwordHash ?? '',
            },
            meta,
          );
        } catch (error) {
          if (error instanceof DomainException && error.code === ErrorCode.EmailTaken)
            throw linkInvalid();
          throw error;
        }
        await this.audit.recordForAccount(em, 'email.verified', account.id, meta, {
          after: { email: account.email, emailVerified: true },
        });
        await this.accounts.markEmailVerified(em, account, meta);
        await this.audit.recordForAccount(em, 'auth.login.succeeded', account.id, meta, {
          after: { method: 'password', signup: true },
        });
        const signedIn = await this.sessions.open(em, account, 'password', false, meta);
        return { email: account.email, emailVerified: true, signedIn } as const;
      }
      const account = link.accountId ? await this.accounts.lock(em, link.accountId) : null;
      // The address changed since the link was sent: it proves nothing about the new one.
      if (!account || account.email.toLowerCase() !== link.email) throw linkInvalid();
      await this.accounts.markEmailVerified(em, account, meta);
      return { email: account.email, emailVerified: true, signedIn: null } as const;
    });
  }

  /**
   * Emails a reset link when an active account has the address; the same answer, and no email,
   * otherwise. A new link replaces the account's earlier unused ones.
   */
  async requestPasswordReset(
    email: string,
    meta: RequestMeta,
  ): Promise<{ status: 'reset_sent'; delivery: MailDelivery }> {
    await this.rateLimits.consume('email_send', meta.ip);
    await this.dataSource.transaction(async (em) => {
      const account = await this.accounts.byEmail(em, email);
      if (!account || account.status !== 'active') return;
      await em.update(
        EmailTokenEntity,
        { accountId: account.id, purpose: 'password_reset', usedAt: IsNull() },
        { usedAt: new Date() },
      );
      const token = await this.issue(em, {
        purpose: 'password_reset',
        accountId: account.id,
        email: account.email.toLowerCase(),
        displayName: null,
        passwordHash: null,
        ttlMs: this.config.passwordResetTtlMinutes * MINUTE_MS,
        kind: PASSWORD_RESET_KIND,
      });
      await this.send(em, 'password_reset', token.id, account.email, () =>
        passwordResetEmail({
          displayName: account.displayName,
          url: `${this.config.publicUrl}/reset-password?token=${token.secret}`,
          expiresAt: token.expiresAt,
        }),
      );
    });
    this.outbox.kick();
    return { status: 'reset_sent', delivery: this.outbox.delivery };
  }

  /**
   * Sets a new password from a reset link: checked against the account's policy first (a refused
   * password changes nothing and the link keeps working), then every session of the account
   * ends, the address counts as verified (the link proved the mailbox) and `password.reset` is
   * audited. An account without a password (SSO only) gets one.
   */
  async confirmPasswordReset(token: string, password: string, meta: RequestMeta): Promise<void> {
    await this.rateLimits.consume('email_link', meta.ip);
    await this.redeem(token, PASSWORD_RESET_KIND, ['password_reset'], async (em, link) => {
      const account = link.accountId ? await this.accounts.lock(em, link.accountId) : null;
      if (!account || account.status !== 'active' || account.email.toLowerCase() !== link.email)
        throw linkInvalid();
      const policy = await this.passwords.policyFor(account.id);
      this.passwords.assertAcceptable(password, policy);
      await this.passwords.set(em, account.id, password, policy);
      await this.accounts.addPasswordIdentity(em, account.id);
      const revoked = await this.sessions.revokeAll(em, account.id, 'password_reset');
      // Whoever created the account through a provider that did not vouch for this address
      // loses it to the mailbox's owner, who just proved the address.
      if (!account.emailVerified) await this.accounts.dropUnprovenIdentities(em, account.id, meta);
      await this.accounts.markEmailVerified(em, account, meta);
      await this.audit.recordForAccount(em, 'password.reset', account.id, meta, {
        after: { sessionsRevoked: revoked },
      });
    });
  }

  /**
   * Runs `work` for a valid link and marks it used, in one transaction holding the link's row
   * lock: a parallel redemption waits, then finds it used. A refusal from `work` rolls back and
   * leaves the link usable.
   */
  private async redeem<T>(
    token: string,
    kind: string,
    purposes: EmailTokenPurpose[],
    work: (em: EntityManager, link: EmailTokenEntity) => Promise<T>,
  ): Promise<T> {
    const parsed = parseSecret(token);
    if (parsed?.kind !== kind) throw linkInvalid();
    return this.dataSource.transaction(async (em) => {
      const link = await em
        .getRepository(EmailTokenEntity)
        .createQueryBuilder('t')
        .setLock('pessimistic_write')
        .where('t.token_prefix = :prefix', { prefix: parsed.prefix })
        .getOne();
      if (
        !link ||
        !purposes.includes(link.purpose) ||
        !secretMatches(token, link.tokenHash) ||
        link.usedAt !== null
      )
        throw linkInvalid();
      if (link.expiresAt.getTime() <= Date.now()) {
        throw new DomainException(
          ErrorCode.EmailLinkExpired,
          'This link has expired: ask for a new one',
        );
      }
      const result = await work(em, link);
      await em.update(EmailTokenEntity, { id: link.id }, { usedAt: new Date() });
      return result;
    });
  }

  private async issue(
    em: EntityManager,
    input: {
      purpose: EmailTokenPurpose;
      accountId: string | null;
      email: string;
      displayName: string | null;
      passwordHash: string | null;
      ttlMs: number;
      kind?: string;
    },
  ): Promise<{ id: string; secret: string; expiresAt: Date }> {
    const token = issueSecret(input.kind ?? EMAIL_LINK_KIND);
    const now = new Date();
    const row: EmailTokenEntity = {
      id: newId(),
      accountId: input.accountId,
      purpose: input.purpose,
      email: input.email,
      displayName: input.displayName,
      passwordHash: input.passwordHash,
      tokenPrefix: token.prefix,
      tokenHash: token.hash,
      expiresAt: new Date(now.getTime() + input.ttlMs),
      usedAt: null,
      createdAt: now,
    };
    await em.insert(EmailTokenEntity, row);
    return { id: row.id, secret: token.secret, expiresAt: row.expiresAt };
  }

  private send(
    em: EntityManager,
    subjectType: string,
    subjectId: string,
    to: string,
    compose: () => Email,
  ): Promise<void> {
    // Platform emails belong to no tenant: they go under the platform's audit tenant id.
    return this.outbox.enqueue(em, {
      tenantId: PLATFORM_AUDIT_TENANT,
      subjectType,
      subjectId,
      to,
      ...compose(),
    });
  }

  /** The link in the email; `next` (a path, checked by SignupDto) is where the page goes after. */
  private verifyUrl(secret: string, next?: string): string {
    const url = `${this.config.publicUrl}/verify-email?token=${secret}`;
    return next ? `${url}&next=${encodeURIComponent(next)}` : url;
  }
}

function linkInvalid(): DomainException {
  return new DomainException(
    ErrorCode.EmailLinkInvalid,
    'This link is unknown or was already used',
  );
}
