import { Module } from '@nestjs/common';
import { InvitationLinksController, InvitationsController } from './invitations.controller.js';
import { InvitationsService } from './invitations.service.js';

@Module({
  controllers: [InvitationsController, InvitationLinksController],
  providers: [InvitationsService],
})
export class InvitationsModule {}
