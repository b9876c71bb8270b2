import { diff } from '../common/diff.js';
import { DEFAULT_SETTINGS, mergeSettings } from '../tenancy/settings.js';
import { deriveSlug } from './tenants.service.js';

describe('tenant settings', () => {
  it('fill in defaults and merge the password policy', () => {
    const merged = mergeSettings(DEFAULT_SETTINGS, {
      maxMembers: 50,
      passwordPolicy: { minLength: 16 },
    });
    expect(merged.maxMembers).toBe(50);
    expect(merged.invitationTtlDays).toBe(7);
    expect(merged.passwordPolicy).toEqual({ ...DEFAULT_SETTINGS.passwordPolicy, minLength: 16 });
  });

  it('merge the decision log settings, and fill them in on settings stored without them', () => {
    const merged = mergeSettings(DEFAULT_SETTINGS, { decisionLogs: { enabled: true } });
    expect(merged.decisionLogs).toEqual({ enabled: true, sampleRate: 1, retentionDays: 30 });
    const { decisionLogs: _, ...older } = DEFAULT_SETTINGS;
    const stored = mergeSettings(older as typeof DEFAULT_SETTINGS, {
      decisionLogs: { sampleRate: 0.5 },
    });
    expect(stored.decisionLogs).toEqual({ enabled: false, sampleRate: 0.5, retentionDays: 30 });
  });

  it('do not share state with the defaults', () => {
    const merged = mergeSettings(DEFAULT_SETTINGS, undefined);
    merged.allowedIdentityProviders.push('google');
    expect(DEFAULT_SETTINGS.allowedIdentityProviders).toEqual(['any']);
  });

  it('ignore undefined fields in a patch', () => {
    expect(mergeSettings(DEFAULT_SETTINGS, { maxMembers: undefined })).toEqual(DEFAULT_SETTINGS);
  });
});

describe('deriveSlug', () => {
  it.each([
    ['Acme Corp', 'acme-corp'],
    ['  Ünïcödé  Straße ', 'unicode-strasse'],
    ['---', 'org'],
    ['日本', 'org'],
    ['A'.repeat(100), 'a'.repeat(56)],
  ])('%p → %p', (name, slug) => {
    expect(deriveSlug(name, false)).toBe(slug);
    expect(deriveSlug(name, false)).toMatch(/^[a-z0-9-]{2,63}$/);
  });

  it('adds a suffix when asked', () => {
    expect(deriveSlug('Acme', true)).toMatch(/^acme-[0-9a-f]{6}$/);
  });
});

describe('diff', () => {
  it('reports changed leaves by dotted path', () => {
    expect(
      diff(
        { name: 'a', settings: { x: 1, p: { y: 2 } } },
        { name: 'a', settings: { x: 2, p: { y: 2 } } },
      ),
    ).toEqual({ before: { 'settings.x': 1 }, after: { 'settings.x': 2 } });
    expect(diff({ list: [1] }, { list: [1, 2] })).toEqual({
      before: { list: [1] },
      after: { list: [1, 2] },
    });
    expect(diff({ a: 1 }, { a: 1 })).toEqual({ before: {}, after: {} });
  });
});
