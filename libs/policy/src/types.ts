/** A CASL-style permission rule as stored and published (contract: Roles and permissions). */
export interface PermissionRule {
  action: string | string[];
  subject: string | string[];
  conditions?: Record<string, unknown>;
  fields?: string | string[];
  inverted?: boolean;
  reason?: string;
}

/** Subjects the server itself protects; tenants may name their own beside these. */
export const BUILT_IN_SUBJECTS = [
  'Tenant',
  'ApiKey',
  'AuditEvent',
  'Member',
  'Invitation',
  'Role',
  'Team',
  'AccessRule',
  'ScimToken',
  'SsoConnection',
  'Authorization',
  'DecisionLog',
] as const;
export type BuiltInSubject = (typeof BUILT_IN_SUBJECTS)[number];

export const BUILT_IN_ACTIONS = ['manage', 'create', 'read', 'update', 'delete'] as const;
export type BuiltInAction = (typeof BUILT_IN_ACTIONS)[number];

/** One thing wrong with a submitted rule, named by its field path (an API error's `errors[]`). */
export interface RuleProblem {
  field: string;
  message: string;
}
