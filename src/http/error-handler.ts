import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, isAppError } from '../errors/app-error.js';
import { isDependencyUnavailable } from '../errors/dependency-unavailable.js';
import type { Logger } from '../logging/logger.js';
import { defaultRetryAfterSeconds, httpStatusByCode } from './error-catalogue.js';

/** Errors raised by Express's own body parser, recognised by their documented `type`. */
function fromBodyParserError(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  switch ((error as { type: unknown }).type) {
    case 'entity.too.large':
      return new AppError('BODY_TOO_LARGE', 'The request body is larger than the limit.', {
        limitBytes: (error as { limit?: number }).limit,
      });
    case 'entity.parse.failed':
      return new AppError('BODY_NOT_JSON', 'The request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'The request body encoding is not supported.');
    default:
      return undefined;
  }
}

/**
 * A body that could not be decoded at all (a corrupt gzip or brotli stream) comes from the body
 * parser as a bare 400 without a `type`: the client's fault, not a 500.
 */
function fromUndecodableBody(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  if (status !== 400 || expose !== true) return undefined;
  return new AppError('BODY_NOT_JSON', 'The request body could not be decoded as JSON.');
}

/**
 * PostgreSQL or Redis down, restarting or out of connections: the client may try again later,
 * so it is told 503 and when, never a 500 that reads as a bug.
 */
function fromUnavailableDependency(error: unknown): AppError | undefined {
  if (!isDependencyUnavailable(error)) return undefined;
  return new AppError(
    'SERVICE_UNAVAILABLE',
    'A service kubegrade depends on is unavailable; try again later.',
    {},
    { cause: error },
  );
}

export function createErrorHandler(
  logger: Logger,
  options: { retryAfterSeconds?: number } = {},
): ErrorRequestHandler {
  const retryAfter = String(options.retryAfterSeconds ?? defaultRetryAfterSeconds);
  return (error: unknown, req, res, _next) => {
    const known = isAppError(error)
      ? error
      : (fromBodyParserError(error) ??
        fromUndecodableBody(error) ??
        fromUnavailableDependency(error));
    if (known) {
      const status = httpStatusByCode[known.code];
      // An outage is expected now and then: a warning, not an error that pages someone.
      if (status === 503) logger.warn({ err: known, path: req.path }, known.message);
      else if (status >= 500) logger.error({ err: known, path: req.path }, known.message);
      if (status === 503) res.set('Retry-After', retryAfter);
      // RFC 6750: a 401 names the scheme the client should use.
      if (known.code === 'UNAUTHENTICATED') res.set('WWW-Authenticate', 'Bearer');
      res.status(status).json({
        error: { code: known.code, message: known.message, details: known.details },
      });
      return;
    }
    // An unexpected error: log it whole, tell the client nothing internal.
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled request error');
    res.status(500).json({
      error: { code: 'INTERNAL', message: 'Something went wrong on our side.', details: {} },
    });
  };
}

export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(new AppError('ROUTE_NOT_FOUND', `No route for ${req.method} ${req.path}.`));
};

/** Bodies are JSON only: anything else is refused before parsing. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const sendsBody = ['POST', 'PUT', 'PATCH'].includes(req.method);
  // `req.is` is null when there is no body at all, false when the type is another one.
  if (sendsBody && req.is('application/json') !== 'application/json') {
    next(
      new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.', {
        contentType: req.headers['content-type'] ?? null,
      }),
    );
    return;
  }
  next();
};
