/** The public face of authz/: the authorize API (decisions themselves come from policy/). */
export { AuthzModule } from './authz.module.js';
