import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/index.js';
import { MembersModule } from '../members/index.js';
import { AccountsService } from './accounts.service.js';
import { AuthController } from './auth.controller.js';
import { MeController } from './me.controller.js';
import { MfaService } from './mfa/mfa.service.js';
import { ExternalAccountsService } from './external-accounts.service.js';

/** People: sign-up and sign-in, and their own profile, password, sessions and second factor. */
@Module({
  imports: [AuthModule, MembersModule],
  controllers: [AuthController, MeController],
  providers: [AccountsService, MfaService, ExternalAccountsService],
  exports: [AccountsService, MfaService, ExternalAccountsService],
})
export class AccountsModule {}
