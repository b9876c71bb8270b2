import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { AuthGuard } from './auth.guard.js';
import { OperatorKeyService } from './operator-key.service.js';

@Module({
  imports: [ApiKeysModule, TenantsModule],
  providers: [OperatorKeyService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [OperatorKeyService],
})
export class AuthModule {}
