import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '../logging/logger.js';
import type { Principal } from '../tenants/authenticate-api-key.js';

/**
 * Signed page links carry their capability in the path (/feedback/<token>, /instructor/<token>):
 * whoever reads the log could open the page, so the token is logged as [redacted].
 */
const linkTokenInPath = /^(\/(?:feedback|instructor)\/)[^/?#]+/;

/** The URL as logged: a page link's token never reaches the log. */
export function loggableUrl(url: string): string {
  return url.replace(linkTokenInPath, '$1[redacted]');
}

/** A caller's own request id is kept when it is a sane token, so logs join across services. */
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * One log line per request, written when the response has finished (or the client went away):
 * request id, tenant, key prefix, route pattern, status and duration. The request is logged as
 * method and URL only (a page link's token redacted), never its headers: the Authorization header is also redacted by the
 * logger's configuration, but it is simpler still not to log it at all.
 *
 * Why not pino-http: it made two child loggers per request (each serialising and redacting its
 * bindings) and a third at the end, whether or not the line was written: about a tenth of the
 * API's CPU per request. Here nothing is built unless the line's level is enabled.
 */
export function createRequestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const offered = req.headers['x-request-id'];
    const id =
      typeof offered === 'string' && requestIdPattern.test(offered) ? offered : randomUUID();
    res.setHeader('X-Request-Id', id);
    let logged = false;
    const onDone = () => {
      if (logged) return;
      logged = true;
      res.removeListener('finish', onDone);
      res.removeListener('close', onDone);
      const completed = res.writableEnded && !req.readableAborted;
      // A 5xx is ours to look at; a client that left early is worth a warning, not a page.
      const level = res.statusCode >= 500 ? 'error' : completed ? 'info' : 'warn';
      if (!logger.isLevelEnabled(level)) return;
      const responseTime = performance.now() - started;
      logger[level](
        {
          req: { id, method: req.method, url: loggableUrl(req.originalUrl) },
          ...requestProps(res),
          res: { statusCode: res.statusCode },
          responseTime: Math.round(responseTime),
        },
        completed
          ? `${req.method} ${res.statusCode} in ${Math.round(responseTime)} ms`
          : `${req.method} aborted after ${Math.round(responseTime)} ms`,
      );
    };
    res.on('finish', onDone);
    res.on('close', onDone);
    next();
  };
}

function requestProps(res: Response) {
  const principal = res.locals.principal as Principal | undefined;
  return {
    tenant: principal?.tenantId ?? null,
    keyPrefix: principal?.keyPrefix ?? null,
    route: (res.locals.route as string | undefined) ?? null,
  };
}
