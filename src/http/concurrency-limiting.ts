import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';
import { principalOf } from './authentication.js';

/**
 * At most `perKey` requests of one API key in progress in this process at a time; more are
 * answered 429 RATE_LIMITED at once (a concurrent-requests limiter, next to the per-window one).
 *
 * Why: the per-window limit counts requests as they are let in, but a busy process lets them in
 * slower than they arrive, so a burst spread itself over many windows, passed the limit, and
 * queued for the database pool until the wait ran out (503). Bounding what one key has in progress
 * bounds what it can ask of the pool; the process's other callers keep their share.
 */
export function createConcurrencyLimiting(options: { perKey: number }): RequestHandler {
  const inProgress = new Map<string, number>();
  return (_req, res, next) => {
    const { keyId } = principalOf(res);
    const current = inProgress.get(keyId) ?? 0;
    if (current >= options.perKey) {
      res.set('Retry-After', '1');
      throw new AppError(
        'RATE_LIMITED',
        'Too many requests of this API key are in progress; wait for some to finish.',
        { concurrentLimit: options.perKey, retryAfterSeconds: 1 },
      );
    }
    inProgress.set(keyId, current + 1);
    let released = false;
    // 'close' comes for every response, answered or abandoned; counted once either way.
    res.once('close', () => {
      if (released) return;
      released = true;
      const left = (inProgress.get(keyId) ?? 1) - 1;
      if (left > 0) inProgress.set(keyId, left);
      else inProgress.delete(keyId);
    });
    next();
  };
}
