import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logging/logger.js';

/**
 * BullMQ needs `maxRetriesPerRequest: null` on connections that block (workers); the API's
 * producer connection fails fast instead so that a Redis outage becomes a 503, not a hang.
 *
 * Every connection listens to its own 'error' events: ioredis emits one for each failed
 * reconnection while Redis is away, and an 'error' event nobody listens to ends the process.
 * ioredis keeps reconnecting by itself; callers see the outage in the commands that fail.
 *
 * `url` may be `redis://` or `rediss://` (TLS, as managed Redis services require). With
 * `sentinel`, the Sentinels are asked for the current master of `masterName`, and the URL only
 * contributes the credentials, the database number and TLS; a failover reconnects to the new
 * master.
 */
export function createRedisConnection(options: {
  url: string;
  role: 'producer' | 'worker';
  /** Told once when Redis becomes unreachable and once when it is back; silent without it. */
  logger?: Logger;
  sentinel?: RedisSentinelSettings | undefined;
}): Redis {
  const common: RedisOptions = {
    maxRetriesPerRequest: options.role === 'worker' ? null : 1,
    enableOfflineQueue: options.role === 'worker',
    connectTimeout: 5_000,
    lazyConnect: false,
  };
  const redis =
    options.sentinel === undefined
      ? new Redis(options.url, common)
      : new Redis(sentinelOptions(options.url, options.sentinel, common));
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

export interface RedisSentinelSettings {
  sentinels: Array<{ host: string; port: number }>;
  masterName: string;
}

/** ioredis options for a Sentinel-managed master, taking credentials and TLS from the URL. */
export function sentinelOptions(
  url: string,
  sentinel: RedisSentinelSettings,
  common: RedisOptions = {},
): RedisOptions {
  const parsed = new URL(url);
  const database = Number(parsed.pathname.replace('/', '') || '0');
  return {
    ...common,
    sentinels: sentinel.sentinels,
    name: sentinel.masterName,
    db: database,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {}, enableTLSForSentinelMode: true } : {}),
  };
}
