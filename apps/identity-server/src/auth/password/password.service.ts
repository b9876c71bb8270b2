import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { type EntityManager } from 'typeorm';
import { checkPassword } from '#auth-crypto';
import { newId } from '#database';
import { DomainException, ErrorCode } from '../../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { DEFAULT_SETTINGS, type PasswordPolicy } from '../../tenancy/settings.js';
import { PasswordCredentialEntity, PasswordHistoryEntity } from './password.entities.js';
import { MembershipsService } from '../../members/index.js';

/** Passwords: Argon2id hashes, policy checks with plain messages, reuse history. */
@Injectable()
export class PasswordService implements OnModuleInit {
  /** Verified against when the account does not exist, so both cases take the same time. */
  private dummyHash = '';

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly memberships: MembershipsService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(randomBytes(16).toString('hex'));
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.config.argon2MemoryKib,
      timeCost: this.config.argon2Iterations,
      parallelism: 1,
    });
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    try {
      const ok = await argon2.verify(hash ?? this.dummyHash, password);
      return hash !== null && ok;
    } catch {
      return false;
    }
  }

  /**
   * The policy that applies when an account sets a password: the platform default tightened by
   * every tenant it is an active member of (longest minimum, every required class, longest
   * reuse history).
   */
  async policyFor(accountId: string | null): Promise<PasswordPolicy> {
    const policies = accountId ? await this.memberships.passwordPolicies(accountId) : [];
    return policies.reduce<PasswordPolicy>(
      (a, b) => ({
        minLength: Math.max(a.minLength, b.minLength),
        requireUppercase: a.requireUppercase || b.requireUppercase,
        requireLowercase: a.requireLowercase || b.requireLowercase,
        requireDigit: a.requireDigit || b.requireDigit,
        requireSymbol: a.requireSymbol || b.requireSymbol,
        preventReuse: Math.max(a.preventReuse, b.preventReuse),
      }),
      DEFAULT_SETTINGS.passwordPolicy,
    );
  }

  /** Refuses a password that breaks the policy, naming every rule it breaks. */
  assertAcceptable(password: string, policy: PasswordPolicy, field = 'password'): void {
    const failures = checkPassword(password, policy);
    if (failures.length === 0) return;
    throw new DomainException(
      ErrorCode.WeakPassword,
      `The password ${failures.map((f) => f.message).join(', ')}`,
      failures.map((f) => ({ field, message: `${f.rule}: ${f.message}` })),
    );
  }

  /** Stores a new password (policy already checked), refusing one of the last N. */
  async set(
    em: EntityManager,
    accountId: string,
    password: string,
    policy: PasswordPolicy,
    field = 'password',
  ): Promise<void> {
    if (policy.preventReuse > 0) {
      const recent = await em.getRepository(PasswordHistoryEntity).find({
        where: { accountId },
        order: { createdAt: 'DESC' },
        take: policy.preventReuse,
      });
      for (const old of recent) {
        if (await this.verify(old.hash, password)) {
          throw new DomainException(
            ErrorCode.PasswordReused,
            `Choose a password you have not used in your last ${policy.preventReuse}`,
            [{ field, message: 'reuse: was used recently' }],
          );
        }
      }
    }
    await this.setHash(em, accountId, await this.hash(password));
  }

  /**
   * Stores a password already hashed by `hash` (a sign-up confirmed by email keeps the hash of
   * the password chosen at sign-up, never the password): the current credential and its history.
   * The policy was checked when the password was chosen; reuse cannot be checked on a hash.
   */
  async setHash(em: EntityManager, accountId: string, hash: string): Promise<void> {
    const now = new Date();
    await em.upsert(PasswordCredentialEntity, { accountId, hash, updatedAt: now }, ['accountId']);
    await em.insert(PasswordHistoryEntity, { accountId, id: newId(), hash, createdAt: now });
  }

  async current(em: EntityManager, accountId: string): Promise<string | null> {
    return (
      (await em.getRepository(PasswordCredentialEntity).findOneBy({ accountId }))?.hash ?? null
    );
  }
}
