/** The public face of access-rules/: a tenant's IP and time rules, and the check against them. */
export { AccessRulesModule } from './access-rules.module.js';
export { AccessRulesService } from './access-rules.service.js';
export { accessOf } from './access-subject.js';
