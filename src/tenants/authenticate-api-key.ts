import { LRUCache } from 'lru-cache';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import { apiKeyPrefix, hashApiKey, hashesMatch } from './api-key-secret.js';
import type { ApiScope } from './scopes.js';
import type { TenantRepository } from './tenant-repository.js';

/** Who is calling: the tenant every query of the request is scoped to, and what the key may do. */
export interface Principal {
  tenantId: string;
  keyId: string;
  keyPrefix: string;
  scopes: ApiScope[];
}

/**
 * Recently verified keys, by hash. A burst of requests with one key then costs the database one
 * lookup instead of one per request, which keeps a burst from crowding the connection pool.
 * The price: a revoked key keeps working in a running API process for up to the cache's TTL.
 */
export type PrincipalCache = LRUCache<string, Promise<Principal>>;

export function createPrincipalCache(options: { ttlMs: number; max?: number }): PrincipalCache {
  return new LRUCache<string, Promise<Principal>>({
    max: options.max ?? 10_000,
    ttl: options.ttlMs,
  });
}

export interface AuthenticateApiKeyDependencies {
  tenants: TenantRepository;
  cache: PrincipalCache;
  logger: Logger;
  now?: () => Date;
}

export interface AuthenticateApiKeyOptions {
  /** The key as the client sent it (after `Bearer `); undefined when none was sent. */
  key: string | undefined;
}

const lastUsedGranularityMs = 60_000;

/** Finds the tenant and scopes of an API key, or fails with UNAUTHENTICATED. */
export async function authenticateApiKey(
  deps: AuthenticateApiKeyDependencies,
  { key }: AuthenticateApiKeyOptions,
): Promise<Principal> {
  if (key === undefined) {
    throw new AppError('UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer <key>".');
  }
  const prefix = apiKeyPrefix(key);
  // The same answer for every failure: a caller learns nothing about which keys exist.
  if (prefix === undefined) throw new AppError('UNAUTHENTICATED', 'The API key is not valid.');
  const hash = hashApiKey(key);
  // The lookup itself is shared: a burst that arrives before the first answer waits for that one
  // lookup instead of sending one query per request into the pool.
  let lookup = deps.cache.get(hash);
  if (!lookup) {
    lookup = lookUpPrincipal(deps, prefix, hash);
    deps.cache.set(hash, lookup);
    // Refusals and failures are not remembered: a key created a moment later, or a database
    // that comes back, must be heard at once.
    lookup.catch(() => deps.cache.delete(hash));
  }
  return lookup;
}

async function lookUpPrincipal(
  deps: AuthenticateApiKeyDependencies,
  prefix: string,
  hash: string,
): Promise<Principal> {
  const stored = await deps.tenants.findApiKeyByPrefix(prefix);
  if (!stored || stored.revokedAt !== null || !hashesMatch(stored.hash, hash)) {
    throw new AppError('UNAUTHENTICATED', 'The API key is not valid.');
  }
  const now = (deps.now ?? (() => new Date()))();
  // Bookkeeping only: the request does not wait for it, and a failure costs only the timestamp.
  deps.tenants
    .touchApiKey(stored.id, now, lastUsedGranularityMs)
    .catch((error: unknown) =>
      deps.logger.warn({ err: error, keyPrefix: stored.prefix }, 'could not record key use'),
    );
  return {
    tenantId: stored.tenantId,
    keyId: stored.id,
    keyPrefix: stored.prefix,
    scopes: stored.scopes,
  };
}
