import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/index.js';
import { AuthModule } from '../auth/index.js';
import { InvitationsModule } from '../invitations/index.js';
import { MembersModule } from '../members/index.js';
import { SsoConnectionsModule } from '../sso-connections/index.js';
import { TenantsModule } from '../tenants/index.js';
import { IdentityProvidersService } from './identity-providers.service.js';
import { SignInOptionsService } from './sign-in-options.service.js';
import { SsoStepGuard } from './sso-steps.guard.js';
import { IdentitiesController, SsoController } from './sso.controller.js';
import { SsoPassportGuard } from './sso.guard.js';
import { SsoService } from './sso.service.js';

/** Sign-in through identity providers: Google, Microsoft Entra ID, tenants' OIDC connections. */
@Module({
  imports: [
    AccountsModule,
    AuthModule,
    InvitationsModule,
    MembersModule,
    SsoConnectionsModule,
    TenantsModule,
  ],
  controllers: [SsoController, IdentitiesController],
  providers: [
    IdentityProvidersService,
    SignInOptionsService,
    SsoService,
    SsoStepGuard,
    SsoPassportGuard,
  ],
})
export class SsoModule {}
