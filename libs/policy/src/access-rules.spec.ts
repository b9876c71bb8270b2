import {
  evaluateAccessRules,
  inTimeWindow,
  validateAccessRule,
  type AccessRule,
} from './access-rules.js';

const office: AccessRule = {
  id: 'r1',
  name: 'office network',
  effect: 'allow',
  ip: { cidrs: ['10.0.0.0/8', '2001:db8::/32'] },
  appliesTo: {},
};
const hours: AccessRule = {
  id: 'r2',
  name: 'working hours',
  effect: 'allow',
  time: {
    timezone: 'Europe/Paris',
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    start: '08:00',
    end: '18:00',
  },
  appliesTo: { roles: ['viewer'] },
};
const blocked: AccessRule = {
  id: 'r3',
  name: 'blocked host',
  effect: 'deny',
  ip: { cidrs: ['10.6.6.6'] },
  appliesTo: {},
};

// Wednesday 2026-11-18, 10:00 in Paris (UTC+1)
const wednesdayMorning = new Date('2026-11-18T09:00:00Z');

describe('evaluateAccessRules', () => {
  it('allows everything when no rule applies', () => {
    expect(
      evaluateAccessRules([], { role: 'admin' }, { ip: '1.2.3.4', time: wednesdayMorning }),
    ).toEqual({ allowed: true, code: 'no_access_rules' });
  });

  it('allows inside an allow rule and refuses outside every applicable one', () => {
    expect(
      evaluateAccessRules([office], { role: 'admin' }, { ip: '10.1.1.1', time: wednesdayMorning }),
    ).toMatchObject({ allowed: true, code: 'allowed_by_access_rule', rule: { id: 'r1' } });
    expect(
      evaluateAccessRules([office], { role: 'admin' }, { ip: '8.8.8.8', time: wednesdayMorning }),
    ).toEqual({ allowed: false, code: 'outside_allowed_access' });
    expect(
      evaluateAccessRules([office], { role: 'admin' }, { ip: null, time: wednesdayMorning })
        .allowed,
    ).toBe(false);
  });

  it('lets deny win over allow', () => {
    expect(
      evaluateAccessRules([office, blocked], {}, { ip: '10.6.6.6', time: wednesdayMorning }),
    ).toMatchObject({
      allowed: false,
      code: 'denied_by_access_rule',
      rule: { id: 'r3', name: 'blocked host' },
    });
  });

  it('applies rules by role, team, member and API key only to those subjects', () => {
    const forTeam: AccessRule = { ...office, id: 't', appliesTo: { teamIds: ['team-a'] } };
    const forKey: AccessRule = { ...office, id: 'k', appliesTo: { apiKeyIds: ['key-1'] } };
    const forMember: AccessRule = { ...office, id: 'm', appliesTo: { memberIds: ['member-1'] } };
    const outside = { ip: '8.8.8.8', time: wednesdayMorning };
    expect(evaluateAccessRules([forTeam], { teamIds: ['team-b'] }, outside).allowed).toBe(true);
    expect(evaluateAccessRules([forTeam], { teamIds: ['team-b', 'team-a'] }, outside).allowed).toBe(
      false,
    );
    expect(evaluateAccessRules([forKey], { apiKeyId: 'key-1' }, outside).allowed).toBe(false);
    expect(evaluateAccessRules([forKey], { apiKeyId: 'key-2' }, outside).allowed).toBe(true);
    expect(evaluateAccessRules([forMember], { memberId: 'member-1' }, outside).allowed).toBe(false);
    expect(
      evaluateAccessRules(
        [hours],
        { role: 'admin' },
        { ip: null, time: new Date('2026-11-22T12:00:00Z') },
      ).allowed,
    ).toBe(true);
    expect(
      evaluateAccessRules(
        [hours],
        { role: 'viewer' },
        { ip: null, time: new Date('2026-11-22T12:00:00Z') },
      ).allowed,
    ).toBe(false);
  });

  it('requires every condition of a rule', () => {
    const both: AccessRule = { ...office, time: hours.time! };
    expect(
      evaluateAccessRules([both], {}, { ip: '10.0.0.1', time: wednesdayMorning }).allowed,
    ).toBe(true);
    expect(
      evaluateAccessRules([both], {}, { ip: '10.0.0.1', time: new Date('2026-11-18T20:00:00Z') })
        .allowed,
    ).toBe(false);
  });
});

describe('inTimeWindow', () => {
  const weekdays = hours.time!;
  it.each([
    ['2026-11-18T07:00:00Z', true], // Wed 08:00 Paris: start is inside
    ['2026-11-18T06:59:00Z', false], // Wed 07:59
    ['2026-11-18T16:59:00Z', true], // Wed 17:59
    ['2026-11-18T17:00:00Z', false], // Wed 18:00: end is outside
    ['2026-11-21T10:00:00Z', false], // Saturday
  ])('weekday office hours at %s: %s', (at, expected) => {
    expect(inTimeWindow(weekdays, new Date(at))).toBe(expected);
  });

  const night = {
    timezone: 'America/New_York',
    days: ['fri' as const],
    start: '22:00',
    end: '06:00',
  };
  it.each([
    ['2026-11-21T03:30:00Z', true], // Fri 22:30 New York
    ['2026-11-21T10:30:00Z', true], // Sat 05:30: still Friday's window
    ['2026-11-21T11:00:00Z', false], // Sat 06:00
    ['2026-11-20T02:30:00Z', false], // Thu 21:30
    ['2026-11-22T03:30:00Z', false], // Sat 22:30: Saturday is not listed
  ])('a window across midnight at %s: %s', (at, expected) => {
    expect(inTimeWindow(night, new Date(at))).toBe(expected);
  });

  it('follows the wall clock across daylight-saving changes', () => {
    const nine = {
      timezone: 'Europe/Berlin',
      days: [
        'mon' as const,
        'tue' as const,
        'wed' as const,
        'thu' as const,
        'fri' as const,
        'sat' as const,
        'sun' as const,
      ],
      start: '09:00',
      end: '10:00',
    };
    // 09:30 local is 07:30Z in summer (UTC+2) and 08:30Z in winter (UTC+1)
    expect(inTimeWindow(nine, new Date('2026-03-27T07:30:00Z'))).toBe(false);
    expect(inTimeWindow(nine, new Date('2026-03-27T08:30:00Z'))).toBe(true);
    expect(inTimeWindow(nine, new Date('2026-03-30T07:30:00Z'))).toBe(true);
    expect(inTimeWindow(nine, new Date('2026-03-30T08:30:00Z'))).toBe(false);
  });
});

describe('validateAccessRule', () => {
  const time = { timezone: 'Europe/Paris', days: ['mon' as const], start: '09:00', end: '17:00' };
  it('accepts good rules', () => {
    expect(
      validateAccessRule({ effect: 'allow', ip: { cidrs: ['10.0.0.0/8', '2001:db8::/32'] } }),
    ).toEqual([]);
    expect(validateAccessRule({ effect: 'deny', time })).toEqual([]);
    expect(
      validateAccessRule(
        { effect: 'allow', ip: { cidrs: ['0.0.0.0/0'] } },
        { confirmBroadAllow: true },
      ),
    ).toEqual([]);
  });

  it.each<[string, Parameters<typeof validateAccessRule>[0], string]>([
    ['a malformed CIDR', { effect: 'allow', ip: { cidrs: ['10.0.0.0/33'] } }, 'ip.cidrs[0]'],
    [
      'a /0 allow without confirmation',
      { effect: 'allow', ip: { cidrs: ['::/0'] } },
      'ip.cidrs[0]',
    ],
    ['no CIDR', { effect: 'allow', ip: { cidrs: [] } }, 'ip.cidrs'],
    ['no condition', { effect: 'deny' }, 'ip'],
    [
      'an unknown time zone',
      { effect: 'allow', time: { ...time, timezone: 'Mars/Olympus' } },
      'time.timezone',
    ],
    ['25:00', { effect: 'allow', time: { ...time, start: '25:00' } }, 'time.start'],
    [
      '9:00 without a leading zero',
      { effect: 'allow', time: { ...time, end: '9:00' } },
      'time.end',
    ],
    ['an empty day list', { effect: 'allow', time: { ...time, days: [] } }, 'time.days'],
    [
      'an unknown day',
      { effect: 'allow', time: { ...time, days: ['funday' as never] } },
      'time.days[0]',
    ],
    ['an empty window', { effect: 'allow', time: { ...time, end: '09:00' } }, 'time.end'],
  ])('refuses %s', (_label, rule, field) => {
    expect(validateAccessRule(rule).map((p) => p.field)).toContain(field);
  });
});
