/**
 * Every error that kubegrade reports on purpose carries a stable code from this list.
 * Clients branch on the code; people read the message. The HTTP status of each code is
 * decided in one place: src/http/error-catalogue.ts.
 */
export const errorCodes = [
  'VALIDATION_FAILED',
  'BODY_TOO_LARGE',
  'BODY_NOT_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'ROUTE_NOT_FOUND',
  'ASSESSMENT_NOT_FOUND',
  'ATTEMPT_NOT_FOUND',
  'IDEMPOTENCY_KEY_REUSED',
  'MANIFEST_INVALID_YAML',
  'MANIFEST_TOO_LARGE',
  'MANIFEST_TOO_COMPLEX',
  'ANSWER_INVALID',
  'INPUT_INVALID_TEXT',
  'CLUSTER_REQUIRED',
  'ASSESSMENT_INVALID',
  'KUBECONFIG_REJECTED',
  'CLUSTER_ADDRESS_REFUSED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
  'INTEGRATION_URL_REFUSED',
  'WEBHOOK_ENDPOINT_NOT_FOUND',
  'WEBHOOK_DELIVERY_NOT_FOUND',
  'LTI_PLATFORM_NOT_REGISTERED',
  'FORBIDDEN_SCOPE',
  'RATE_LIMITED',
  'TENANT_EXISTS',
  'TENANT_NOT_FOUND',
  'API_KEY_NOT_FOUND',
  'LINK_INVALID',
  'ATTEMPT_NOT_GRADED',
  'OVERRIDE_TARGET_NOT_FOUND',
  'QUERY_INVALID',
  'CURSOR_INVALID',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(
    code: ErrorCode,
    message: string,
    details: ErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
