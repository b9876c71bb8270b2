export const IDENTITY_PROVIDERS = ['any', 'google', 'microsoft', 'oidc', 'password'] as const;
export type IdentityProviderSetting = (typeof IDENTITY_PROVIDERS)[number];

/**
 * Who may redeem an invitation: only the identity it was sent to (the provider's verified email,
 * or the Entra username in the invited directory, equals the invitation's), or anyone holding the
 * link.
 */
export const INVITATION_REDEMPTION = ['invitee', 'anyone_with_link'] as const;
export type InvitationRedemption = (typeof INVITATION_REDEMPTION)[number];

export interface PasswordPolicy {
  minLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireDigit: boolean;
  requireSymbol: boolean;
  /** Refuse the last N passwords; 0 allows reuse. */
  preventReuse: number;
}

/** Decision logs of the tenant's policy decisions (decision-logs/): off unless turned on. */
export interface DecisionLogSettings {
  enabled: boolean;
  /** The share of decisions logged, 0 to 1. */
  sampleRate: number;
  /** Entries older than this are deleted. */
  retentionDays: number;
}

export interface TenantSettings {
  invitationTtlDays: number;
  maxMembers: number;
  allowedIdentityProviders: IdentityProviderSetting[];
  /** With `microsoft` allowed: only these Entra directories (tid); empty allows every one. */
  allowedEntraTenantIds: string[];
  invitationRedemption: InvitationRedemption;
  sessionTtlMinutes: number;
  mfaRequired: boolean;
  passwordPolicy: PasswordPolicy;
  decisionLogs: DecisionLogSettings;
}

/** Bounds enforced on write; the DTOs and the OpenAPI document read them from here. */
export const SETTING_BOUNDS = {
  invitationTtlDays: { min: 1, max: 30 },
  maxMembers: { min: 1, max: 1_000_000 },
  sessionTtlMinutes: { min: 5, max: 43_200 },
  passwordMinLength: { min: 8, max: 128 },
  preventReuse: { min: 0, max: 24 },
  decisionLogSampleRate: { min: 0, max: 1 },
  decisionLogRetentionDays: { min: 1, max: 365 },
} as const;

export const DEFAULT_SETTINGS: TenantSettings = {
  invitationTtlDays: 7,
  maxMembers: 10,
  allowedIdentityProviders: ['any'],
  allowedEntraTenantIds: [],
  invitationRedemption: 'invitee',
  sessionTtlMinutes: 1440,
  mfaRequired: false,
  passwordPolicy: {
    minLength: 12,
    requireUppercase: false,
    requireLowercase: false,
    requireDigit: false,
    requireSymbol: false,
    preventReuse: 0,
  },
  decisionLogs: { enabled: false, sampleRate: 1, retentionDays: 30 },
};

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends object[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};
export type TenantSettingsPatch = DeepPartial<TenantSettings>;

/** Settings over defaults (or over the current settings for a PATCH), nested objects merged. */
export function mergeSettings(
  base: TenantSettings,
  patch: TenantSettingsPatch | undefined,
): TenantSettings {
  if (!patch) return structuredClone(base);
  const { passwordPolicy, decisionLogs, ...rest } = patch;
  const definedOf = (o: object | undefined) =>
    Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined));
  return {
    ...structuredClone(base),
    ...definedOf(rest),
    passwordPolicy: { ...base.passwordPolicy, ...definedOf(passwordPolicy) },
    // Stored settings from before decision logs have none: the defaults fill them in.
    decisionLogs: {
      ...DEFAULT_SETTINGS.decisionLogs,
      ...base.decisionLogs,
      ...definedOf(decisionLogs),
    },
  };
}
