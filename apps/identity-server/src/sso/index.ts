/** The public face of sso/: sign-in through identity providers. */
export { SsoModule } from './sso.module.js';
