import type { RequestHandler, Response } from 'express';
import { AppError } from '../errors/app-error.js';
import {
  authenticateApiKey,
  type AuthenticateApiKeyDependencies,
  type Principal,
} from '../tenants/authenticate-api-key.js';
import type { ApiScope } from '../tenants/scopes.js';

/**
 * Every /v1 route needs an API key; /healthz, /readyz, /v1/openapi.json and
 * /.well-known/jwks.json stay public. A route that needs a particular scope says so with
 * `requireScope`; the tenant of the key is then on `principalOf(res)`.
 */
export function createAuthenticate(deps: AuthenticateApiKeyDependencies): RequestHandler {
  return async (req, res, next) => {
    const principal = await authenticateApiKey(deps, {
      key: bearerToken(req.get('Authorization')),
    });
    res.locals.principal = principal;
    next();
  };
}

export function requireScope(scope: ApiScope): RequestHandler {
  return (req, res, next) => {
    res.locals.route = `${req.baseUrl}${(req.route as { path?: string } | undefined)?.path ?? ''}`;
    checkScope(res, scope);
    next();
  };
}

/** Throws FORBIDDEN_SCOPE unless the authenticated key has `scope`. */
export function checkScope(res: Response, scope: ApiScope): void {
  if (!principalOf(res).scopes.includes(scope)) {
    throw new AppError('FORBIDDEN_SCOPE', `This API key lacks the "${scope}" scope.`, {
      requiredScope: scope,
    });
  }
}

/** The authenticated caller; only valid behind `createAuthenticate`. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error('principalOf called on a route without authentication');
  return principal;
}

/** The key from `Authorization: Bearer <key>` (scheme case-insensitive, RFC 7235). */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
  // A malformed header is an attempt to authenticate that fails, not an absent one.
  return match ? match[1] : '';
}
