/** The public face of teams/. */
export { TeamsModule } from './teams.module.js';
