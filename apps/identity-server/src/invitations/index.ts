/** The public face of invitations/. */
export { InvitationsModule } from './invitations.module.js';
