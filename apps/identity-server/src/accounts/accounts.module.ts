import { Module } from '@nestjs/common';
import { AuthController } from '../auth/auth.controller.js';
import { AuthModule } from '../auth/auth.module.js';
import { AccountsService } from './accounts.service.js';
import { MeController } from './me.controller.js';

/** People: sign-up and sign-in, and their own profile, password, sessions and second factor. */
@Module({
  imports: [AuthModule],
  controllers: [AuthController, MeController],
  providers: [AccountsService],
  exports: [AccountsService],
})
export class AccountsModule {}
