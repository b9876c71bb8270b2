import { DataSource, type DataSourceOptions } from 'typeorm';
import { ApiKeyEntity } from './api-keys/api-key.entity.js';
import { AuditEventEntity } from './audit/audit-event.entity.js';
import { PlatformCredentialEntity } from './auth/platform-credential.entity.js';
import { TenantEntity } from './tenancy/tenant.entity.js';
import { TenantSeatsEntity } from './tenancy/tenant-seats.entity.js';
import { MIGRATIONS } from './migrations/index.js';
import { AccountEntity } from './accounts/account.entity.js';
import { MembershipEntity } from './members/membership.entity.js';
import { InvitationEntity } from './invitations/invitation.entity.js';
import { OutboxMessageEntity } from './mail/outbox-message.entity.js';
import { AccessRuleEntity } from './access-rules/access-rule.entity.js';
import { AccountIdentityEntity } from './accounts/account-identity.entity.js';
import { EmailTokenEntity } from './accounts/email-token.entity.js';
import { PersonalApiKeyEntity } from './api-keys/personal-api-key.entity.js';
import { RecoveryCodeEntity } from './accounts/mfa/recovery-code.entity.js';
import {
  PasswordCredentialEntity,
  PasswordHistoryEntity,
} from './auth/password/password.entities.js';
import { RefreshTokenEntity, SessionEntity } from './auth/sessions/session.entities.js';
import { AuthThrottleEntity } from './auth/throttle/auth-throttle.entity.js';
import { RateLimitEntity } from './auth/throttle/rate-limit.entity.js';
import { SigningKeyEntity } from './auth/tokens/signing-key.entity.js';
import { RoleEntity } from './roles/role.entity.js';
import { TeamEntity } from './teams/team.entity.js';
import { TeamMemberEntity } from './teams/team-member.entity.js';
import { ScimTokenEntity } from './scim/scim-token.entity.js';
import { SsoCodeEntity } from './sso/sso-code.entity.js';
import { SsoConnectionEntity } from './sso-connections/sso-connection.entity.js';
import { DecisionLogEntity } from './decision-logs/decision-log.entity.js';

/** Every entity of the server; the migration CLI, the app and the schema test share this list. */
export const ENTITIES = [
  TenantEntity,
  TenantSeatsEntity,
  ApiKeyEntity,
  AuditEventEntity,
  PlatformCredentialEntity,
  AccountEntity,
  AccountIdentityEntity,
  EmailTokenEntity,
  PasswordCredentialEntity,
  PasswordHistoryEntity,
  SessionEntity,
  RefreshTokenEntity,
  SigningKeyEntity,
  RecoveryCodeEntity,
  AuthThrottleEntity,
  RateLimitEntity,
  PersonalApiKeyEntity,
  MembershipEntity,
  InvitationEntity,
  OutboxMessageEntity,
  AccessRuleEntity,
  RoleEntity,
  TeamEntity,
  TeamMemberEntity,
  ScimTokenEntity,
  SsoCodeEntity,
  SsoConnectionEntity,
  DecisionLogEntity,
];

/** The one DataSource definition, used by the server, `npm run migrate` and the tests. */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize,
    extra: { application_name: 'identity-server', connectionTimeoutMillis: 5000 },
  };
}

export function createDataSource(url: string, poolSize?: number): DataSource {
  return new DataSource(dataSourceOptions(url, poolSize));
}
