import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessRulesModule } from '../access-rules/access-rules.module.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { AuthGuard } from './auth.guard.js';
import { HousekeepingService } from './housekeeping.service.js';
import { MfaService } from './mfa/mfa.service.js';
import { OperatorKeyService } from './operator-key.service.js';
import { PasswordService } from './password/password.service.js';
import { SessionsService } from './sessions/sessions.service.js';
import { LoginThrottleService } from './throttle/login-throttle.service.js';
import { AccessTokensService } from './tokens/access-tokens.service.js';
import { JwksController } from './tokens/jwks.controller.js';
import { SigningKeysService } from './tokens/signing-keys.service.js';

/** Who is calling: credentials, sessions and tokens, and the global guard. */
@Module({
  imports: [ApiKeysModule, TenantsModule, AccessRulesModule],
  controllers: [JwksController],
  providers: [
    OperatorKeyService,
    SigningKeysService,
    AccessTokensService,
    SessionsService,
    PasswordService,
    LoginThrottleService,
    MfaService,
    HousekeepingService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [
    OperatorKeyService,
    SessionsService,
    PasswordService,
    LoginThrottleService,
    MfaService,
    AccessTokensService,
  ],
})
export class AuthModule {}
