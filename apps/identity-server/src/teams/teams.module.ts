import { Module } from '@nestjs/common';
import { MembersModule } from '../members/index.js';
import { TeamsController } from './teams.controller.js';
import { TeamsRepository } from './teams.repository.js';
import { TeamsService } from './teams.service.js';

/** Teams depend on members (a team member is a membership) and plug MemberTeams into them. */
@Module({
  imports: [MembersModule],
  controllers: [TeamsController],
  providers: [TeamsRepository, TeamsService],
  exports: [TeamsService],
})
export class TeamsModule {}
