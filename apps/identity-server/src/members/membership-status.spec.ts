import { DomainException } from '../common/errors.js';
import {
  MEMBERSHIP_STATUS,
  MEMBERSHIP_STATUSES,
  statusesWith,
  statusSql,
  transitionOf,
} from './membership-status.js';

describe('membership statuses', () => {
  it('has a meaning for every status, and only active grants access or holds a seat', () => {
    expect(Object.keys(MEMBERSHIP_STATUS).sort()).toEqual([...MEMBERSHIP_STATUSES].sort());
    expect(statusesWith('hasAccess')).toEqual(['active']);
    expect(statusesWith('holdsSeat')).toEqual(['active']);
    expect(statusesWith('listed')).toEqual(['active', 'suspended']);
    expect(statusesWith('editable')).toEqual(['active', 'suspended']);
  });

  it('writes SQL predicates from the table', () => {
    expect(statusSql('m.status', 'listed')).toBe(`m.status IN ('active','suspended')`);
    expect(statusSql('m.status', 'hasAccess')).toBe(`m.status IN ('active')`);
  });

  it.each([
    ['active', 'suspended', 'suspend'],
    ['suspended', 'active', 'reactivate'],
    ['active', 'removed', 'remove'],
    ['suspended', 'removed', 'remove'],
    ['active', 'active', null],
  ] as const)('%s → %s is %s', (from, to, transition) => {
    expect(transitionOf(from, to)).toBe(transition);
  });

  it('treats a status that is not editable as final', () => {
    for (const to of MEMBERSHIP_STATUSES)
      expect(() => transitionOf('removed', to)).toThrow(DomainException);
  });
});
