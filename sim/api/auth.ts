/**
 * Bearer-token authentication and a two-role authorisation: the admin token may do anything;
 * the read-only token may get, list and watch (like a ServiceAccount bound to a get/list/watch
 * Role) and is refused every write with kube-apiserver's 403 message.
 */
import { forbidden, forbiddenPath, unauthorized } from '../errors.js';

export type TokenName = 'admin' | 'readOnly';

export interface Identity {
  /** Which configured token was presented; `anonymous` when none was. */
  token: TokenName | 'anonymous';
  /** The user name kube-apiserver would report in messages. */
  user: string;
}

export interface AuthConfig {
  tokens: Record<TokenName, string>;
  /** Resources (`pods`, `replicasets.apps`) the read-only identity may not even read. */
  readOnlyDenied: string[];
}

export const ADMIN_USER = 'kubernetes-admin';
export const READ_ONLY_USER = 'system:serviceaccount:default:grader';
const READ_VERBS = new Set(['get', 'list', 'watch']);
/** Paths anyone may read, as the system:public-info-viewer role allows. */
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

/** Who sent the request; throws 401 for a token that is not one of the cluster's. */
export function authenticate(config: AuthConfig, authorization: string | undefined): Identity {
  if (!authorization) return { token: 'anonymous', user: 'system:anonymous' };
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  const presented = match?.[1]?.trim();
  if (presented && presented === config.tokens.admin) return { token: 'admin', user: ADMIN_USER };
  if (presented && presented === config.tokens.readOnly)
    return { token: 'readOnly', user: READ_ONLY_USER };
  throw unauthorized();
}

/** Non-resource paths (discovery, version, openapi). */
export function authorizePath(identity: Identity, path: string): void {
  if (identity.token === 'anonymous' && !PUBLIC_PATHS.has(path))
    throw forbiddenPath(identity.user, path);
}

export function authorizeResource(
  config: AuthConfig,
  identity: Identity,
  request: {
    verb: string;
    group: string;
    resource: string;
    subresource?: string;
    namespace?: string;
    name?: string;
  },
): void {
  if (identity.token === 'admin') return;
  const qualified = request.group ? `${request.resource}.${request.group}` : request.resource;
  const allowed =
    identity.token === 'readOnly' &&
    READ_VERBS.has(request.verb) &&
    !config.readOnlyDenied.includes(qualified);
  if (allowed) return;
  const resource = request.subresource
    ? `${request.resource}/${request.subresource}`
    : request.resource;
  throw forbidden({
    user: identity.user,
    verb: request.verb,
    group: request.group,
    resource,
    ...(request.namespace !== undefined ? { namespace: request.namespace } : {}),
    ...(request.name !== undefined ? { name: request.name } : {}),
  });
}
