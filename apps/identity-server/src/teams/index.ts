/** The public face of teams/. */
export { TeamsModule } from './teams.module.js';
export { TeamsService, type TeamCommand } from './teams.service.js';
