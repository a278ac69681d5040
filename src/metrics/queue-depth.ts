import { Gauge, type Registry } from 'prom-client';

/** The BullMQ states that make up the grading backlog, as `Queue.getJobCounts` names them. */
export const queueStates = ['waiting', 'prioritized', 'delayed', 'active'] as const;
export type QueueState = (typeof queueStates)[number];
export type QueueDepth = Record<QueueState, number>;

/** What reading the depth needs of a BullMQ queue (kept structural: metrics does not import it). */
interface JobCounter {
  getJobCounts(...types: QueueState[]): Promise<Partial<Record<string, number>>>;
}

/** The queue's depth by state, in one round trip of cheap counts. */
export async function readQueueDepth(queue: JobCounter): Promise<QueueDepth> {
  const counts = await queue.getJobCounts(...queueStates);
  return {
    waiting: counts.waiting ?? 0,
    prioritized: counts.prioritized ?? 0,
    delayed: counts.delayed ?? 0,
    active: counts.active ?? 0,
  };
}

/**
 * Reads the queue's depth from BullMQ at each scrape (one round trip of cheap counts), so the
 * value is fresh without a timer. When Redis does not answer, the series are left out of that
 * scrape instead of showing a stale number.
 */
export function registerQueueDepthGauge(
  registry: Registry,
  readQueueDepth: () => Promise<QueueDepth>,
): void {
  const gauge = new Gauge({
    name: 'kubegrade_queue_jobs',
    help: 'Grading jobs in the BullMQ queue by state (waiting, prioritized, delayed, active).',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const depth = await readQueueDepth();
        for (const state of queueStates) this.set({ state }, depth[state]);
      } catch {
        // Redis is down: readiness says so; a missing series says "unknown" to Prometheus.
      }
    },
  });
  void gauge;
}

/**
 * Jobs that need or hold a worker slot now: the autoscaler sizes workers by it (one worker per
 * WORKER_CONCURRENCY). Active jobs count too, so busy workers are not scaled away when the wait
 * list empties. Delayed jobs (retries in back-off, and attempts parked while they wait on a
 * learner) hold no slot; the autoscaler counts them by a second trigger of their own.
 */
export function gradingDemand(depth: QueueDepth): number {
  return depth.waiting + depth.prioritized + depth.active;
}
