import { Module } from '@nestjs/common';
import { MembersModule } from '../members/index.js';
import { InvitationLinksController, InvitationsController } from './invitations.controller.js';
import { InvitationsRepository } from './invitations.repository.js';
import { InvitationsService } from './invitations.service.js';

@Module({
  imports: [MembersModule],
  controllers: [InvitationsController, InvitationLinksController],
  providers: [InvitationsRepository, InvitationsService],
})
export class InvitationsModule {}
