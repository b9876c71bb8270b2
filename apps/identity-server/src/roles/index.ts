/** The public face of roles/: built-in and custom roles. */
export { RolesModule } from './roles.module.js';
export { assertRoleExists } from './roles.service.js';
export { RoleKey } from './dto/role.dto.js';
