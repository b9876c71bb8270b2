import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AccountsModule } from './accounts/index.js';
import { ApiKeysModule } from './api-keys/index.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthenticationGuard, AuthModule } from './auth/index.js';
import { AuthzModule } from './authz/index.js';
import { AuthzenModule } from './authzen/index.js';
import { ProblemFilter } from './common/problem.filter.js';
import type { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { CryptoModule } from './crypto/crypto.module.js';
import { createDataSource } from './data-source.js';
import { DatabaseModule } from './database/database.module.js';
import { DecisionLogsModule } from './decision-logs/index.js';
import { HealthController } from './health/index.js';
import { InvitationsModule } from './invitations/index.js';
import { MailModule } from './mail/mail.module.js';
import { MembersModule } from './members/index.js';
import { MetricsController } from './metrics/metrics.js';
import { PolicyModule } from './policy/policy.module.js';
import { RolesModule } from './roles/index.js';
import { scimErrorRenderer, ScimModule } from './scim/index.js';
import { SsoModule } from './sso/index.js';
import { SsoConnectionsModule } from './sso-connections/index.js';
import { TeamsModule } from './teams/index.js';
import { OrganizationsController, TenantContextGuard, TenantsModule } from './tenants/index.js';

/**
 * The composition root. Platform modules (config, database, audit, policy, mail, crypto) are the
 * only global ones; a feature that needs another feature imports its module.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({
          create: () => createDataSource(databaseUrl, config.dbPoolSize),
          migrate: true,
        }),
        AuditModule,
        PolicyModule,
        RolesModule,
        TeamsModule,
        MembersModule,
        MailModule,
        InvitationsModule,
        AuthzModule,
        DecisionLogsModule,
        AuthzenModule,
        TenantsModule,
        ApiKeysModule,
        AuthModule,
        AccountsModule,
        CryptoModule,
        ScimModule,
        SsoModule,
        SsoConnectionsModule,
      ],
      controllers: [HealthController, MetricsController, OrganizationsController],
      providers: [
        // Global guards run in the order they are listed here: who is calling, then what they
        // may do in the tenant the route names (and whether the route allows them at all).
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: TenantContextGuard },
        // The admin API answers RFC 9457 problems; /scim/v2 answers RFC 7644 error bodies.
        { provide: APP_FILTER, useFactory: () => new ProblemFilter([scimErrorRenderer]) },
      ],
    };
  }
}
