import type { AuditEventView } from './audit.service.js';

/** The columns of an audit export, in order. */
export const AUDIT_CSV_COLUMNS = [
  'at',
  'type',
  'actor_type',
  'actor_id',
  'target_type',
  'target_id',
  'ip',
  'user_agent',
  'request_id',
  'changes',
] as const;

/**
 * One CSV cell (RFC 4180). A value a spreadsheet would run as a formula (it starts with =, +, -,
 * @, a tab or a carriage return) is prefixed with ' so that it is shown as text (OWASP's advice
 * on CSV injection); then it is quoted when it holds a quote, a comma or a line break.
 */
export function csvCell(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly (string | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function auditCsvRow(e: AuditEventView): string {
  return csvLine([
    e.at,
    e.type,
    e.actor.type,
    e.actor.id,
    e.target.type,
    e.target.id,
    e.ip,
    e.userAgent,
    e.requestId,
    e.changes ? JSON.stringify(e.changes) : null,
  ]);
}
