import type { Logger } from '../logging/logger.js';
import type { JobRef, OutboxRepository } from './outbox-repository.js';

export interface DispatchAttemptEventsDependencies {
  outbox: OutboxRepository;
  enqueueDelivery: (job: JobRef) => Promise<void>;
  enqueueScorePost: (job: JobRef) => Promise<void>;
  logger: Logger;
  now?: () => Date;
}

export interface DispatchAttemptEventsOptions {
  batchSize: number;
  /** Pending rows whose next try is this far overdue get their job again. */
  overdueAfterMs: number;
}

/**
 * One pass of the outbox: every undispatched event becomes its deliveries and score posts
 * (committed first), then their jobs are queued; overdue rows whose job was lost are queued
 * again. A crash between the commit and the queue loses nothing: the next pass finds the rows
 * overdue. Returns how many events it dispatched.
 */
export async function dispatchAttemptEvents(
  deps: DispatchAttemptEventsDependencies,
  options: DispatchAttemptEventsOptions,
): Promise<{ events: number }> {
  const now = deps.now ?? (() => new Date());
  let events = 0;
  for (;;) {
    const batch = await deps.outbox.dispatchBatch(options.batchSize, now());
    events += batch.events;
    await enqueueAll(deps, batch);
    if (batch.events < options.batchSize) break;
  }
  const overdue = await deps.outbox.listOverdue(
    new Date(now().getTime() - options.overdueAfterMs),
    options.batchSize,
  );
  await enqueueAll(deps, overdue);
  if (events > 0) deps.logger.debug({ events }, 'dispatched attempt events');
  return { events };
}

async function enqueueAll(
  deps: DispatchAttemptEventsDependencies,
  rows: { deliveries: JobRef[]; scorePosts: JobRef[] },
): Promise<void> {
  await Promise.all([
    ...rows.deliveries.map((job) => deps.enqueueDelivery(job)),
    ...rows.scorePosts.map((job) => deps.enqueueScorePost(job)),
  ]);
}
