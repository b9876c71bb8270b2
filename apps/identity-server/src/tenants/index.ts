/** The public face of tenants/: tenants, and the tenant context of every :tenantId route. */
export { TenantsModule } from './tenants.module.js';
export { TenantContextGuard } from './tenant-context.guard.js';
export { OrganizationsController } from './organizations.controller.js';
export { TenantsService } from './tenants.service.js';
