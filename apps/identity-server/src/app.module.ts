import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AccountsModule } from './accounts/accounts.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { CryptoModule } from './crypto/crypto.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ProblemFilter } from './common/problem.filter.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './metrics/metrics.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { MembersModule } from './members/members.module.js';
import { MailModule } from './mail/mail.module.js';
import { InvitationsModule } from './invitations/invitations.module.js';
import { AuthzModule } from './authz/authz.module.js';
import { OrganizationsController } from './tenants/organizations.controller.js';
import { PolicyModule } from './authz/policy.module.js';
import { RolesModule } from './roles/roles.module.js';
import { TeamsModule } from './teams/teams.module.js';
import { ScimModule } from './scim/scim.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        DatabaseModule.forRoot({ url: databaseUrl, poolSize: config.dbPoolSize, migrate: true }),
        AuditModule,
        PolicyModule,
        RolesModule,
        TeamsModule,
        MembersModule,
        MailModule,
        InvitationsModule,
        AuthzModule,
        TenantsModule,
        ApiKeysModule,
        AuthModule,
        AccountsModule,
        CryptoModule,
        ScimModule,
      ],
      controllers: [HealthController, MetricsController, OrganizationsController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [APP_CONFIG],
    };
  }
}
