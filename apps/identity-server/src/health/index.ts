/** The public face of health/: liveness and readiness probes. */
export { HealthController } from './health.controller.js';
