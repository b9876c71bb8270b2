/** The public face of authz/: the authorize API (decisions themselves come from policy/). */
export { AuthzModule } from './authz.module.js';
export { decideForMember, type AuthorizeResult } from './authz.service.js';
