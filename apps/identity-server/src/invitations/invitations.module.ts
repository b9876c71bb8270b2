import { Module } from '@nestjs/common';
import { ThrottleModule } from '../auth/index.js';
import { MembersModule } from '../members/index.js';
import { InvitationLinksController, InvitationsController } from './invitations.controller.js';
import { InvitationsRepository } from './invitations.repository.js';
import { InvitationsService } from './invitations.service.js';

@Module({
  imports: [MembersModule, ThrottleModule],
  controllers: [InvitationsController, InvitationLinksController],
  providers: [InvitationsRepository, InvitationsService],
  exports: [InvitationsService],
})
export class InvitationsModule {}
