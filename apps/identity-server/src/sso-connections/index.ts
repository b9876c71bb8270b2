/** The public face of sso-connections/. */
export { SsoConnectionsModule } from './sso-connections.module.js';
export {
  OUTBOUND_FETCH,
  SsoConnectionsService,
  type SsoConnectionForSignIn,
  type SsoConnectionView,
} from './sso-connections.service.js';
