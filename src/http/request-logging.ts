import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logging/logger.js';
import type { Principal } from '../tenants/authenticate-api-key.js';

/** A caller's own request id is kept when it is a sane token, so logs join across services. */
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * One log line per request (pino-http): request id, tenant, route pattern, status and duration.
 * The request is serialised as method and URL only, never its headers: the Authorization header
 * is also redacted by the logger's configuration, but it is simpler still not to log it at all.
 */
export function createRequestLogging(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const offered = req.headers['x-request-id'];
      const id =
        typeof offered === 'string' && requestIdPattern.test(offered) ? offered : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customProps: (_req: IncomingMessage, res: ServerResponse) => {
      const locals = (res as ServerResponse & { locals?: Record<string, unknown> }).locals ?? {};
      const principal = locals.principal as Principal | undefined;
      return {
        tenant: principal?.tenantId ?? null,
        keyPrefix: principal?.keyPrefix ?? null,
        route: (locals.route as string | undefined) ?? null,
      };
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customSuccessMessage: (req, res, responseTime) =>
      `${req.method} ${res.statusCode} in ${Math.round(responseTime)} ms`,
  });
}
