/**
 * Stable error codes that clients switch on. Adding one means adding its status and title to
 * ERROR_CATALOG; the compiler refuses a code without them.
 */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  MalformedJson = 'malformed_json',
  UnsupportedMediaType = 'unsupported_media_type',
  PayloadTooLarge = 'payload_too_large',
  RouteNotFound = 'route_not_found',
  MethodNotAllowed = 'method_not_allowed',
  Unauthenticated = 'unauthenticated',
  PermissionDenied = 'permission_denied',
  AdminRequired = 'admin_required',
  OperatorRequired = 'operator_required',
  RoleEscalation = 'role_escalation',
  TenantNotFound = 'tenant_not_found',
  TenantSlugTaken = 'tenant_slug_taken',
  TenantNameTaken = 'tenant_name_taken',
  ApiKeyNotFound = 'api_key_not_found',
  InvalidCursor = 'invalid_cursor',
  ServiceUnavailable = 'service_unavailable',
  InternalError = 'internal_error',
}

interface CatalogEntry {
  status: number;
  title: string;
}

export const ERROR_CATALOG: Record<ErrorCode, CatalogEntry> = {
  [ErrorCode.ValidationFailed]: { status: 400, title: 'The request is not valid' },
  [ErrorCode.MalformedJson]: { status: 400, title: 'The request body is not valid JSON' },
  [ErrorCode.UnsupportedMediaType]: { status: 415, title: 'Unsupported content type' },
  [ErrorCode.PayloadTooLarge]: { status: 413, title: 'The request body is too large' },
  [ErrorCode.RouteNotFound]: { status: 404, title: 'No such route' },
  [ErrorCode.MethodNotAllowed]: { status: 405, title: 'Method not allowed' },
  [ErrorCode.Unauthenticated]: { status: 401, title: 'Authentication required' },
  [ErrorCode.PermissionDenied]: { status: 403, title: 'Permission denied' },
  [ErrorCode.AdminRequired]: { status: 403, title: 'Admin access required' },
  [ErrorCode.OperatorRequired]: { status: 403, title: 'Platform operator access required' },
  [ErrorCode.RoleEscalation]: { status: 403, title: 'Cannot grant a role above your own' },
  [ErrorCode.TenantNotFound]: { status: 404, title: 'Tenant not found' },
  [ErrorCode.TenantSlugTaken]: { status: 409, title: 'Tenant slug already in use' },
  [ErrorCode.TenantNameTaken]: { status: 409, title: 'Tenant name already in use' },
  [ErrorCode.ApiKeyNotFound]: { status: 404, title: 'API key not found' },
  [ErrorCode.InvalidCursor]: { status: 400, title: 'The cursor is not valid' },
  [ErrorCode.ServiceUnavailable]: { status: 503, title: 'Service unavailable' },
  [ErrorCode.InternalError]: { status: 500, title: 'Internal server error' },
};

export interface FieldError {
  field: string;
  message: string;
}

/** A domain error: thrown by services and controllers, mapped to a response by one filter. */
export class DomainException extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? ERROR_CATALOG[code].title);
    this.status = ERROR_CATALOG[code].status;
  }
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  errorId?: string;
  instance?: string;
}

export const PROBLEM_TYPE_BASE = 'https://identity-server.dev/problems/';

export function problemFor(
  code: ErrorCode,
  detail?: string,
  errors?: FieldError[],
): ProblemDetails {
  const entry = ERROR_CATALOG[code];
  return {
    type: `${PROBLEM_TYPE_BASE}${code.replace(/_/g, '-')}`,
    title: entry.title,
    status: entry.status,
    detail: detail ?? entry.title,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}
