import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/index.js';
import { MembersModule } from '../members/index.js';
import { AuthenticationService } from './authentication.service.js';
import { HousekeepingService } from './housekeeping.service.js';
import { OperatorKeyService } from './operator-key.service.js';
import { PasswordService } from './password/password.service.js';
import { SessionsService } from './sessions/sessions.service.js';
import { ThrottleModule } from './throttle/throttle.module.js';
import { AccessTokensService } from './tokens/access-tokens.service.js';
import { JwksController } from './tokens/jwks.controller.js';
import { SigningKeysService } from './tokens/signing-keys.service.js';

/**
 * Who is calling: credentials, sessions and tokens, and the authentication the first global
 * guard runs. The guards are registered by the app module, in order (see app.module.ts).
 */
@Module({
  imports: [ApiKeysModule, MembersModule, ThrottleModule],
  controllers: [JwksController],
  providers: [
    OperatorKeyService,
    SigningKeysService,
    AccessTokensService,
    SessionsService,
    PasswordService,
    HousekeepingService,
    AuthenticationService,
  ],
  exports: [
    OperatorKeyService,
    SessionsService,
    PasswordService,
    ThrottleModule,
    AccessTokensService,
    AuthenticationService,
  ],
})
export class AuthModule {}
