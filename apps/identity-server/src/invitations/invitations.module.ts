import { Module } from '@nestjs/common';
import { MembersModule } from '../members/index.js';
import { InvitationLinksController, InvitationsController } from './invitations.controller.js';
import { InvitationsService } from './invitations.service.js';

@Module({
  imports: [MembersModule],
  controllers: [InvitationsController, InvitationLinksController],
  providers: [InvitationsService],
})
export class InvitationsModule {}
