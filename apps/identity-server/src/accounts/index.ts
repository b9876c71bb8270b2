/** The public face of accounts/: people, global to the server. */
export { AccountsModule } from './accounts.module.js';
export { AccountsService } from './accounts.service.js';
export { AccountEntity } from './account.entity.js';
export { AccountIdentityEntity } from './account-identity.entity.js';
export { MfaService } from './mfa/mfa.service.js';
export {
  ExternalAccountsService,
  type AssertedIdentity,
  type IdentityView,
  type SignedInIdentity,
} from './external-accounts.service.js';
