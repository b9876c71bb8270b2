/** The public face of authzen/: the OpenID AuthZEN 1.0 decision point of every tenant. */
export { AuthzenModule } from './authzen.module.js';
