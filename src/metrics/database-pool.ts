import { Gauge, type Registry } from 'prom-client';

/** The counters node-postgres keeps on its pool. */
export interface PoolUse {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * PostgreSQL pool use at each scrape: connections open and idle, queries waiting for one, and
 * the configured maximum. `waiting` above zero for long means the pool (or PgBouncer) is too small.
 */
export function registerDatabasePoolGauge(
  registry: Registry,
  pool: PoolUse,
  maxConnections: number,
): void {
  new Gauge({
    name: 'kubegrade_db_pool_connections',
    help: 'PostgreSQL pool: open, idle and max connections, and queries waiting for one.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'open' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
      this.set({ state: 'max' }, maxConnections);
    },
  });
}
