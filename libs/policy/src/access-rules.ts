import type { RuleProblem } from './types.js';
import { parseCidr, parseIp, parsedIpInCidr, type Cidr } from './ip.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface TimeWindow {
  /** IANA time zone, e.g. Europe/Paris. */
  timezone: string;
  days: Weekday[];
  /** HH:MM, 24-hour. When end <= start the window runs past midnight into the next day. */
  start: string;
  end: string;
}

export interface AccessRule {
  id: string;
  name: string;
  effect: 'allow' | 'deny';
  ip?: { cidrs: string[] };
  time?: TimeWindow;
  /** Empty or absent lists: the rule applies to everyone. */
  appliesTo: { roles?: string[]; teamIds?: string[]; memberIds?: string[]; apiKeyIds?: string[] };
}

export interface AccessSubject {
  role?: string;
  teamIds?: string[];
  memberId?: string;
  apiKeyId?: string;
}

export interface AccessContext {
  ip: string | null;
  time: Date;
}

export interface AccessDecision {
  allowed: boolean;
  code:
    | 'no_access_rules'
    | 'allowed_by_access_rule'
    | 'denied_by_access_rule'
    | 'outside_allowed_access';
  rule?: { id: string; name: string };
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Rules prepared for evaluation: ranges parsed and target lists as sets, once per rule set. */
export interface CompiledAccessRules {
  rules: CompiledAccessRule[];
}

interface CompiledAccessRule {
  rule: { id: string; name: string };
  effect: 'allow' | 'deny';
  everyone: boolean;
  roles: Set<string>;
  teamIds: Set<string>;
  memberIds: Set<string>;
  apiKeyIds: Set<string>;
  cidrs: Cidr[] | null;
  time: TimeWindow | null;
}

export function compileAccessRules(rules: AccessRule[]): CompiledAccessRules {
  return {
    rules: rules.map((rule) => {
      const { roles = [], teamIds = [], memberIds = [], apiKeyIds = [] } = rule.appliesTo;
      return {
        rule: { id: rule.id, name: rule.name },
        effect: rule.effect,
        everyone: roles.length + teamIds.length + memberIds.length + apiKeyIds.length === 0,
        roles: new Set(roles),
        teamIds: new Set(teamIds),
        memberIds: new Set(memberIds),
        apiKeyIds: new Set(apiKeyIds),
        cidrs: rule.ip ? rule.ip.cidrs.map(parseCidr).filter((c): c is Cidr => c !== null) : null,
        time: rule.time ?? null,
      };
    }),
  };
}

/**
 * Deny wins over allow; when any allow rule applies to the subject, a request outside every
 * applicable allow rule is denied. A rule matches when all of its conditions (IP, time) hold.
 */
export function evaluateAccessRules(
  rules: AccessRule[] | CompiledAccessRules,
  subject: AccessSubject,
  context: AccessContext,
): AccessDecision {
  const compiled = Array.isArray(rules) ? compileAccessRules(rules) : rules;
  if (compiled.rules.length === 0) return { allowed: true, code: 'no_access_rules' };
  const ip = context.ip ? parseIp(context.ip) : null;
  let allows = 0;
  let allowed: CompiledAccessRule | null = null;
  for (const rule of compiled.rules) {
    if (!appliesTo(rule, subject)) continue;
    if (rule.effect === 'deny') {
      if (matches(rule, ip, context.time))
        return { allowed: false, code: 'denied_by_access_rule', rule: rule.rule };
    } else {
      allows++;
      if (!allowed && matches(rule, ip, context.time)) allowed = rule;
    }
  }
  if (allows === 0) return { allowed: true, code: 'no_access_rules' };
  if (allowed) return { allowed: true, code: 'allowed_by_access_rule', rule: allowed.rule };
  return { allowed: false, code: 'outside_allowed_access' };
}

function appliesTo(rule: CompiledAccessRule, subject: AccessSubject): boolean {
  if (rule.everyone) return true;
  return (
    (subject.role !== undefined && rule.roles.has(subject.role)) ||
    (subject.memberId !== undefined && rule.memberIds.has(subject.memberId)) ||
    (subject.apiKeyId !== undefined && rule.apiKeyIds.has(subject.apiKeyId)) ||
    (rule.teamIds.size > 0 && (subject.teamIds ?? []).some((team) => rule.teamIds.has(team)))
  );
}

function matches(
  rule: CompiledAccessRule,
  ip: { version: 4 | 6; bytes: Uint8Array } | null,
  time: Date,
): boolean {
  if (rule.cidrs) {
    if (!ip || !rule.cidrs.some((cidr) => parsedIpInCidr(ip, cidr))) return false;
  }
  return !rule.time || inTimeWindow(rule.time, time);
}

/**
 * Whether an instant falls in a weekly window, read on the wall clock of the window's time zone
 * (so daylight-saving changes move the window with local time, as people expect).
 */
export function inTimeWindow(window: TimeWindow, at: Date): boolean {
  const local = wallClock(at, window.timezone);
  const start = minutes(window.start);
  const end = minutes(window.end);
  const previous = WEEKDAYS[(WEEKDAYS.indexOf(local.day) + 6) % 7] as Weekday;
  if (start < end)
    return window.days.includes(local.day) && local.minutes >= start && local.minutes < end;
  // Crosses midnight: from start on a listed day until end on the day after.
  return (
    (window.days.includes(local.day) && local.minutes >= start) ||
    (window.days.includes(previous) && local.minutes < end)
  );
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** UTC offsets looked up per zone and quarter hour (a few quarters per zone at a time). */
const offsets = new Map<string, Map<number, number>>();
const QUARTER_MS = 15 * 60_000;

/**
 * The weekday and minute of the day on a zone's wall clock. Real offset changes fall on a
 * quarter hour of UTC, so one Intl lookup per zone and quarter hour serves every instant in it
 * (requests decided "now" and decisions at a caller's time each keep their quarter cached).
 */
function wallClock(at: Date, timezone: string): { day: Weekday; minutes: number } {
  const ms = at.getTime();
  const quarter = Math.floor(ms / QUARTER_MS);
  let zone = offsets.get(timezone);
  if (!zone) {
    if (offsets.size > 1000) offsets.clear();
    zone = new Map();
    offsets.set(timezone, zone);
  }
  let offsetMs = zone.get(quarter);
  if (offsetMs === undefined) {
    if (zone.size > 64) zone.clear();
    offsetMs = offsetAt(quarter * QUARTER_MS, timezone);
    zone.set(quarter, offsetMs);
  }
  const local = new Date(ms + offsetMs);
  return {
    day: WEEKDAYS[(local.getUTCDay() + 6) % 7] as Weekday,
    minutes: local.getUTCHours() * 60 + local.getUTCMinutes(),
  };
}

/** The zone's offset from UTC at an instant, in milliseconds (whole minutes). */
function offsetAt(ms: number, timezone: string): number {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timezone, format);
  }
  const p: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(ms))) p[part.type] = Number(part.value);
  const local = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0);
  return Math.round((local - Math.floor(ms / 60_000) * 60_000) / 60_000) * 60_000;
}

function minutes(hhmm: string): number {
  const [, h, m] = HHMM.exec(hhmm) ?? [];
  return Number(h) * 60 + Number(m);
}

export type { RuleProblem };

/** Everything wrong with a rule, so that a stored rule can never fail at decision time. */
export function validateAccessRule(
  rule: Pick<AccessRule, 'effect' | 'ip' | 'time'>,
  options: { confirmBroadAllow?: boolean } = {},
): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (!rule.ip && !rule.time)
    problems.push({ field: 'ip', message: 'a rule needs an ip or a time condition' });
  rule.ip?.cidrs.forEach((text, i) => {
    const cidr = parseCidr(text);
    if (!cidr)
      problems.push({ field: `ip.cidrs[${i}]`, message: `"${text}" is not an IPv4 or IPv6 CIDR` });
    else if (cidr.prefix === 0 && rule.effect === 'allow' && !options.confirmBroadAllow) {
      problems.push({
        field: `ip.cidrs[${i}]`,
        message: `"${text}" allows every address: confirm it explicitly`,
      });
    }
  });
  if (rule.ip && rule.ip.cidrs.length === 0)
    problems.push({ field: 'ip.cidrs', message: 'list at least one CIDR' });
  if (rule.time) {
    const { timezone, days, start, end } = rule.time;
    if (!isTimeZone(timezone))
      problems.push({ field: 'time.timezone', message: `"${timezone}" is not an IANA time zone` });
    if (days.length === 0) problems.push({ field: 'time.days', message: 'list at least one day' });
    days.forEach((d, i) => {
      if (!(WEEKDAYS as readonly string[]).includes(d))
        problems.push({
          field: `time.days[${i}]`,
          message: `"${d}" is not one of ${WEEKDAYS.join(', ')}`,
        });
    });
    if (!HHMM.test(start))
      problems.push({
        field: 'time.start',
        message: `"${start}" is not a time HH:MM (00:00 to 23:59)`,
      });
    if (!HHMM.test(end))
      problems.push({
        field: 'time.end',
        message: `"${end}" is not a time HH:MM (00:00 to 23:59)`,
      });
    if (start === end && HHMM.test(start))
      problems.push({
        field: 'time.end',
        message: 'start and end are the same: the window would be empty',
      });
  }
  return problems;
}

function isTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return timezone.length > 0;
  } catch {
    return false;
  }
}
