/** The public face of resources/: the catalog the decision point reads. */
export { ResourcesModule } from './resources.module.js';
export { CatalogService, attributesOf, type ResourceView } from './resources.service.js';
export { refKey } from './catalog.js';
