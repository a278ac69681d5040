import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';

/**
 * BullMQ needs `maxRetriesPerRequest: null` on connections that block (workers); the API's
 * producer connection fails fast instead so that a Redis outage becomes a 503, not a hang.
 *
 * Every connection listens to its own 'error' events: ioredis emits one for each failed
 * reconnection while Redis is away, and an 'error' event nobody listens to ends the process.
 * ioredis keeps reconnecting by itself; callers see the outage in the commands that fail.
 */
export function createRedisConnection(options: {
  url: string;
  role: 'producer' | 'worker';
  /** Told once when Redis becomes unreachable and once when it is back; silent without it. */
  logger?: Logger;
}): Redis {
  const redis = new Redis(options.url, {
    maxRetriesPerRequest: options.role === 'worker' ? null : 1,
    enableOfflineQueue: options.role === 'worker',
    connectTimeout: 5_000,
    lazyConnect: false,
  });
  let unavailable = false;
  redis.on('error', (error: Error) => {
    // One line per outage, not one per reconnection attempt.
    if (!unavailable) options.logger?.warn({ err: error, role: options.role }, 'redis unavailable');
    unavailable = true;
  });
  redis.on('ready', () => {
    if (unavailable) options.logger?.info({ role: options.role }, 'redis connection restored');
    unavailable = false;
  });
  return redis;
}
