import { ipInCidr, parseCidr } from './ip.js';

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

/**
 * Deny wins over allow; when any allow rule applies to the subject, a request outside every
 * applicable allow rule is denied. A rule matches when all of its conditions (IP, time) hold.
 */
export function evaluateAccessRules(
  rules: AccessRule[],
  subject: AccessSubject,
  context: AccessContext,
): AccessDecision {
  const applicable = rules.filter((rule) => appliesTo(rule, subject));
  const deny = applicable.find((rule) => rule.effect === 'deny' && matches(rule, context));
  if (deny)
    return {
      allowed: false,
      code: 'denied_by_access_rule',
      rule: { id: deny.id, name: deny.name },
    };
  const allows = applicable.filter((rule) => rule.effect === 'allow');
  if (allows.length === 0) return { allowed: true, code: 'no_access_rules' };
  const allow = allows.find((rule) => matches(rule, context));
  if (allow)
    return {
      allowed: true,
      code: 'allowed_by_access_rule',
      rule: { id: allow.id, name: allow.name },
    };
  return { allowed: false, code: 'outside_allowed_access' };
}

function appliesTo(rule: AccessRule, subject: AccessSubject): boolean {
  const { roles = [], teamIds = [], memberIds = [], apiKeyIds = [] } = rule.appliesTo;
  if (roles.length + teamIds.length + memberIds.length + apiKeyIds.length === 0) return true;
  return (
    (subject.role !== undefined && roles.includes(subject.role)) ||
    (subject.memberId !== undefined && memberIds.includes(subject.memberId)) ||
    (subject.apiKeyId !== undefined && apiKeyIds.includes(subject.apiKeyId)) ||
    (subject.teamIds ?? []).some((team) => teamIds.includes(team))
  );
}

function matches(rule: AccessRule, context: AccessContext): boolean {
  if (rule.ip) {
    if (!context.ip) return false;
    const ip = context.ip;
    if (
      !rule.ip.cidrs.some((text) => {
        const cidr = parseCidr(text);
        return cidr !== null && ipInCidr(ip, cidr);
      })
    )
      return false;
  }
  return !rule.time || inTimeWindow(rule.time, context.time);
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

function wallClock(at: Date, timezone: string): { day: Weekday; minutes: number } {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  const day = String(parts.weekday).toLowerCase().slice(0, 3) as Weekday;
  return { day, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

function minutes(hhmm: string): number {
  const [, h, m] = HHMM.exec(hhmm) ?? [];
  return Number(h) * 60 + Number(m);
}

export interface RuleProblem {
  field: string;
  message: string;
}

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
