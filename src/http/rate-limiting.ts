import type { RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { AppError } from '../errors/app-error.js';
import { principalOf } from './authentication.js';

export interface RateLimits {
  /** Requests one API key may make per window. */
  perKey: number;
  /** Requests all of one tenant's keys together may make per window. */
  perTenant: number;
  windowMs: number;
  /** Requests of one API key in progress at once in one process; unbounded when absent. */
  concurrentPerKey?: number;
}

/**
 * Limits per API key and per tenant, counted in Redis so that every API process shares them
 * (rate-limiter-flexible). A burst beyond them is answered 429 RATE_LIMITED at once, before it
 * can queue for database connections. If Redis cannot be reached, each process counts in memory
 * instead (the insurance limiter): limits stay in force, only less exact, and never become a 500.
 */
export function createRateLimiting(redis: Redis, limits: RateLimits): RequestHandler {
  const duration = Math.max(1, Math.ceil(limits.windowMs / 1000));
  const limiter = (keyPrefix: string, points: number): RateLimiterAbstract =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points,
      duration,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
    });
  const perKey = limiter('kubegrade:ratelimit:key', limits.perKey);
  const perTenant = limiter('kubegrade:ratelimit:tenant', limits.perTenant);

  return async (_req, res, next) => {
    const principal = principalOf(res);
    const results: RateLimiterRes[] = [];
    for (const [store, id, limit] of [
      [perKey, principal.keyId, limits.perKey],
      [perTenant, principal.tenantId, limits.perTenant],
    ] as const) {
      try {
        results.push(await store.consume(id));
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        setRateLimitHeaders(res, limit, refusal);
        res.set('Retry-After', String(secondsUntil(refusal)));
        throw new AppError('RATE_LIMITED', 'Too many requests; slow down and try again.', {
          limit,
          windowSeconds: duration,
          retryAfterSeconds: secondsUntil(refusal),
        });
      }
    }
    // The headers describe whichever limit is nearer to running out.
    const [keyResult, tenantResult] = results as [RateLimiterRes, RateLimiterRes];
    if (tenantResult.remainingPoints < keyResult.remainingPoints) {
      setRateLimitHeaders(res, limits.perTenant, tenantResult);
    } else {
      setRateLimitHeaders(res, limits.perKey, keyResult);
    }
    next();
  };
}

function secondsUntil(result: RateLimiterRes): number {
  return Math.max(1, Math.ceil(result.msBeforeNext / 1000));
}

/** The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers). */
function setRateLimitHeaders(res: Response, limit: number, result: RateLimiterRes): void {
  res.set({
    'RateLimit-Limit': String(limit),
    'RateLimit-Remaining': String(Math.max(0, result.remainingPoints)),
    'RateLimit-Reset': String(secondsUntil(result)),
  });
}
