/** Issued credentials (API keys, personal keys, SCIM tokens): one shape, one store. */
export { CredentialExpiry } from './credential.dto.js';
export {
  AccountCredentialEntity,
  TenantCredentialEntity,
  type IssuedCredential,
} from './credential.entity.js';
export {
  ACCOUNT_OWNED,
  CredentialStore,
  TENANT_OWNED,
  type CredentialKind,
  type CredentialOwner,
  type CredentialView,
  type Refusal,
  type Verification,
} from './credential-store.js';
