/** The public face of api-keys/: tenant keys (tk_) and personal keys (pk_). */
export { ApiKeysModule } from './api-keys.module.js';
export { ApiKeysService, TENANT_KEY_KIND } from './api-keys.service.js';
export { PersonalApiKeysService, PERSONAL_KEY_KIND } from './personal-api-keys.service.js';
export { ApiKeyEntity } from './api-key.entity.js';
