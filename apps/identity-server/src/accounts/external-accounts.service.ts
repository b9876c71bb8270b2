import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { newId } from '#database';
import { AuditService } from '../audit/audit.service.js';
import { uniqueViolation } from '../common/db-errors.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import type { RequestMeta } from '../common/principal.js';
import { AccountIdentityEntity, type IdentityProviderKind } from './account-identity.entity.js';
import { AccountEntity, newAccount } from './account.entity.js';

/** An identity as a provider asserted it (sso/external-identity.ts maps each provider to it). */
export interface AssertedIdentity {
  provider: Exclude<IdentityProviderKind, 'password'>;
  directoryId: string | null;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  username: string | null;
  displayName: string;
}

export interface SignedInIdentity {
  account: AccountEntity;
  identity: AccountIdentityEntity;
  /** The account was created by this sign-in. */
  created: boolean;
  /** The identity was attached to an existing account by this sign-in. */
  linked: boolean;
}

export interface IdentityView {
  id: string;
  provider: IdentityProviderKind;
  directoryId: string | null;
  email: string | null;
  emailVerified: boolean;
  username: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

/**
 * Accounts reached through identity providers, and the rule against account takeover: an
 * identity seen for the first time attaches to an existing account only when the provider vouches
 * for the email (Google email_verified, Entra xms_edov; a tenant's own OIDC provider never does,
 * since any tenant's administrators could make it claim any address) AND the account's email is
 * verified; otherwise the person signs in to that account and links the provider from their
 * profile. Every link and unlink is audited.
 */
@Injectable()
export class ExternalAccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** The account an identity signs in to, creating or linking it on first use. */
  async signIn(asserted: AssertedIdentity, meta: RequestMeta): Promise<SignedInIdentity> {
    // Two first sign-ins of one identity (or one email) in parallel: the loser of the unique
    // key finds the winner's rows on its second pass.
    for (let pass = 0; ; pass++) {
      try {
        return await this.dataSource.transaction((em) => this.signInOnce(em, asserted, meta));
      } catch (error) {
        if (pass === 0 && uniqueViolation(error) !== null) continue;
        throw error;
      }
    }
  }

  private async signInOnce(
    em: EntityManager,
    asserted: AssertedIdentity,
    meta: RequestMeta,
  ): Promise<SignedInIdentity> {
    const now = new Date();
    const known = await this.find(em, asserted);
    if (known) {
      const account = await em
        .getRepository(AccountEntity)
        .findOneByOrFail({ id: known.accountId });
      this.assertActive(account);
      const identity = await this.refresh(em, known, asserted, now);
      return { account, identity, created: false, linked: false };
    }
    if (asserted.email === null) {
      throw new DomainException(
        ErrorCode.SsoEmailRequired,
        'The identity provider sent no email address: allow the email scope and try again',
      );
    }
    const existing = await em
      .getRepository(AccountEntity)
      .createQueryBuilder('a')
      .where('lower(a.email) = :email', { email: asserted.email })
      .getOne();
    // A tenant's own OIDC provider is its administrators' to configure: it vouches for emails
    // inside that tenant (invitations), never for accounts global to the server.
    const vouched = asserted.emailVerified && asserted.provider !== 'oidc';
    if (existing) {
      if (!vouched || !existing.emailVerified) {
        throw new DomainException(
          ErrorCode.AccountLinkRequired,
          vouched
            ? 'An account with this email exists but its email is not verified: sign in to it, verify the email, then connect this provider from your profile'
            : 'An account with this email exists, and the identity provider does not vouch for the email: sign in to the account and connect this provider from your profile',
        );
      }
      this.assertActive(existing);
      const identity = await this.insert(em, existing.id, asserted, now);
      await this.audit.recordForAccount(em, 'identity.linked', existing.id, meta, {
        after: { identityId: identity.id, provider: asserted.provider, by: 'verified_email' },
      });
      return { account: existing, identity, created: false, linked: true };
    }
    const account = newAccount(
      newId(),
      { email: asserted.email, emailVerified: vouched, displayName: asserted.displayName },
      now,
    );
    await em.insert(AccountEntity, account);
    const identity = await this.insert(em, account.id, asserted, now);
    await this.audit.recordForAccount(em, 'account.created', account.id, meta, {
      after: {
        email: account.email,
        emailVerified: account.emailVerified,
        displayName: account.displayName,
        method: asserted.provider,
      },
    });
    return { account, identity, created: true, linked: false };
  }

  /** Attaches an identity to the signed-in account that asked for it (profile → connect). */
  async link(
    accountId: string,
    asserted: AssertedIdentity,
    meta: RequestMeta,
  ): Promise<AccountIdentityEntity> {
    return this.dataSource.transaction(async (em) => {
      const known = await this.find(em, asserted);
      if (known && known.accountId !== accountId) {
        throw new DomainException(ErrorCode.IdentityLinkedElsewhere);
      }
      if (known) return this.refresh(em, known, asserted, new Date());
      const identity = await this.insert(em, accountId, asserted, new Date());
      await this.audit.recordForAccount(em, 'identity.linked', accountId, meta, {
        after: { identityId: identity.id, provider: asserted.provider, by: 'profile' },
      });
      return identity;
    });
  }

  async list(accountId: string): Promise<IdentityView[]> {
    const rows = await this.dataSource
      .getRepository(AccountIdentityEntity)
      .find({ where: { accountId }, order: { createdAt: 'ASC' } });
    return rows.map((r) => ({
      id: r.id,
      provider: r.provider,
      directoryId: r.directoryId,
      email: r.provider === 'password' ? null : r.email,
      emailVerified: r.emailVerified,
      username: r.username,
      createdAt: r.createdAt.toISOString(),
      lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    }));
  }

  /** Removes a way to sign in; never the last one (under the account's row lock). */
  async unlink(accountId: string, identityId: string, meta: RequestMeta): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await em
        .getRepository(AccountEntity)
        .createQueryBuilder('a')
        .setLock('pessimistic_write')
        .where('a.id = :accountId', { accountId })
        .getOneOrFail();
      const identities = await em.getRepository(AccountIdentityEntity).findBy({ accountId });
      const identity = identities.find((i) => i.id === identityId);
      if (!identity) throw new DomainException(ErrorCode.IdentityNotFound);
      if (identities.length === 1) {
        throw new DomainException(
          ErrorCode.LastSignInMethod,
          'This is your only way to sign in: connect another one (or set a password) first',
        );
      }
      await em.delete(AccountIdentityEntity, { id: identity.id });
      if (identity.provider === 'password') {
        await em.query('DELETE FROM password_credentials WHERE account_id = $1', [accountId]);
      }
      await this.audit.recordForAccount(em, 'identity.unlinked', accountId, meta, {
        before: { identityId: identity.id, provider: identity.provider },
      });
    });
  }

  private find(em: EntityManager, a: AssertedIdentity): Promise<AccountIdentityEntity | null> {
    return em
      .getRepository(AccountIdentityEntity)
      .createQueryBuilder('i')
      .where('i.provider = :provider AND i.subject = :subject', {
        provider: a.provider,
        subject: a.subject,
      })
      .andWhere(
        a.directoryId === null ? 'i.directory_id IS NULL' : 'i.directory_id = :directoryId',
        { directoryId: a.directoryId },
      )
      .getOne();
  }

  private async insert(
    em: EntityManager,
    accountId: string,
    a: AssertedIdentity,
    now: Date,
  ): Promise<AccountIdentityEntity> {
    const identity: AccountIdentityEntity = {
      id: newId(),
      provider: a.provider,
      subject: a.subject,
      accountId,
      directoryId: a.directoryId,
      email: a.email,
      emailVerified: a.emailVerified,
      username: a.username,
      createdAt: now,
      lastUsedAt: now,
    };
    await em.insert(AccountIdentityEntity, identity);
    return identity;
  }

  /** The provider's latest email and username, and when the identity was last used. */
  private async refresh(
    em: EntityManager,
    known: AccountIdentityEntity,
    a: AssertedIdentity,
    now: Date,
  ): Promise<AccountIdentityEntity> {
    const changes = {
      email: a.email,
      emailVerified: a.emailVerified,
      username: a.username,
      lastUsedAt: now,
    };
    await em.update(AccountIdentityEntity, { id: known.id }, changes);
    return { ...known, ...changes };
  }

  private assertActive(account: AccountEntity): void {
    if (account.status !== 'active') {
      throw new DomainException(ErrorCode.InvalidCredentials, 'This account is disabled');
    }
  }
}
