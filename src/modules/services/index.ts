/** The 21 services as stored (editable by admins): other modules read them here, never through the Service model. */
export { describeMode, type Service } from './service.model';
export { presentService } from './service.presenter';
export { findService, listServices, seedCatalog } from './service.service';
