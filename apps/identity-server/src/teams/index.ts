/** The public face of teams/. */
export { TeamsModule } from './teams.module.js';
export {
  TeamsService,
  type ProvisionedTeam,
  type TeamCommand,
  type TeamSource,
  type TeamWithMembers,
} from './teams.service.js';
export type { DirectMember } from './teams.repository.js';
export { TeamEntity } from './team.entity.js';
