/** The public face of accounts/: people, global to the server. */
export { AccountsModule } from './accounts.module.js';
export { AccountsService } from './accounts.service.js';
export { AccountEntity } from './account.entity.js';
