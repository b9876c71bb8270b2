/** The public face of scim/: SCIM 2.0 provisioning, and how its errors and URLs read. */
export { ScimModule } from './scim.module.js';
export { canonicalScimUrl, isScimPath, scimErrorRenderer } from './scim-errors.js';
