import type { ErrorCode } from '../errors/app-error.js';

/** The one place where an error code becomes an HTTP status. */
export const httpStatusByCode: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  BODY_NOT_JSON: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  ROUTE_NOT_FOUND: 404,
  ASSESSMENT_NOT_FOUND: 404,
  ATTEMPT_NOT_FOUND: 404,
  IDEMPOTENCY_KEY_REUSED: 422,
  MANIFEST_INVALID_YAML: 422,
  MANIFEST_TOO_LARGE: 413,
  MANIFEST_TOO_COMPLEX: 422,
  ANSWER_INVALID: 422,
  INPUT_INVALID_TEXT: 422,
  CLUSTER_REQUIRED: 422,
  ASSESSMENT_INVALID: 500,
  KUBECONFIG_REJECTED: 422,
  CLUSTER_ADDRESS_REFUSED: 422,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
  INTEGRATION_URL_REFUSED: 422,
  WEBHOOK_ENDPOINT_NOT_FOUND: 404,
  WEBHOOK_DELIVERY_NOT_FOUND: 404,
  LTI_PLATFORM_NOT_REGISTERED: 404,
  // Another tenant's resources answer 404 (ATTEMPT_NOT_FOUND), never this: 403 is only ever
  // about what the caller's own key may do, so it reveals nothing about other tenants.
  FORBIDDEN_SCOPE: 403,
  RATE_LIMITED: 429,
  TENANT_EXISTS: 409,
  TENANT_NOT_FOUND: 404,
  API_KEY_NOT_FOUND: 404,
  LINK_INVALID: 403,
  ATTEMPT_NOT_GRADED: 409,
  OVERRIDE_TARGET_NOT_FOUND: 404,
  // A list's query string: the request is well-formed HTTP, its filters or cursor are not usable.
  QUERY_INVALID: 422,
  CURSOR_INVALID: 422,
};

/**
 * Every 503 tells the client when to try again (`Retry-After`, in seconds): long enough for a
 * database failover or a Redis restart, short enough that learners are not kept waiting.
 */
export const defaultRetryAfterSeconds = 5;
