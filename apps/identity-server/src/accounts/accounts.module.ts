import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/index.js';
import { MembersModule } from '../members/index.js';
import { AccountsService } from './accounts.service.js';
import { EmailLinksService } from './email-links.service.js';
import { AuthController } from './auth.controller.js';
import { MeController } from './me.controller.js';
import { MfaService } from './mfa/mfa.service.js';
import { ExternalAccountsService } from './external-accounts.service.js';

/** People: sign-up (confirmed by email) and sign-in, password reset, and their own profile, password, sessions and second factor. */
@Module({
  imports: [AuthModule, MembersModule],
  controllers: [AuthController, MeController],
  providers: [AccountsService, EmailLinksService, MfaService, ExternalAccountsService],
  exports: [AccountsService, MfaService, ExternalAccountsService],
})
export class AccountsModule {}
