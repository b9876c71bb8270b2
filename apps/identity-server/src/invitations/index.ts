/** The public face of invitations/. */
export { InvitationsModule } from './invitations.module.js';
export { InvitationsService, type AcceptedInvitation } from './invitations.service.js';
export type { RedeemingIdentity } from './invitee.js';
