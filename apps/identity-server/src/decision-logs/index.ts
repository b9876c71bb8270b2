/** The public face of decision-logs/: record a policy decision (`DecisionLogService.record`). */
export { DecisionLogsModule } from './decision-logs.module.js';
export { DecisionLogService, type DecisionLogInput } from './decision-log.service.js';
