import { Redis } from 'ioredis';

/**
 * BullMQ needs `maxRetriesPerRequest: null` on connections that block (workers); the API's
 * producer connection fails fast instead so that a Redis outage becomes a 503, not a hang.
 */
export function createRedisConnection(options: {
  url: string;
  role: 'producer' | 'worker';
}): Redis {
  return new Redis(options.url, {
    maxRetriesPerRequest: options.role === 'worker' ? null : 1,
    enableOfflineQueue: options.role === 'worker',
    connectTimeout: 5_000,
    lazyConnect: false,
  });
}
