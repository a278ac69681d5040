import type { AttemptRepository } from './attempt-repository.js';
import { toAttemptSummary, type AttemptSummary } from './attempt-view.js';
import {
  decodeAttemptCursor,
  encodeAttemptCursor,
  type ListAttemptsQuery,
} from './list-attempts-query.js';

export interface ListAttemptsDependencies {
  attempts: AttemptRepository;
}

export interface ListAttemptsOptions {
  /** From the caller's key, never the query: a tenant only ever lists its own attempts. */
  tenantId: string;
  query: ListAttemptsQuery;
}

export interface AttemptPage {
  data: AttemptSummary[];
  /** Pass it as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/**
 * One page of the tenant's attempts. Keyset pagination (not offsets): attempts that arrive while
 * a client pages are newer than its position, so every attempt that existed when it started is
 * visited exactly once.
 */
export async function listAttempts(
  deps: ListAttemptsDependencies,
  { tenantId, query }: ListAttemptsOptions,
): Promise<AttemptPage> {
  const after =
    query.cursor === undefined ? undefined : decodeAttemptCursor(query.cursor, { tenantId, query });
  // One row more than the page tells whether another page follows, without a count query.
  const rows = await deps.attempts.listForTenant({
    tenantId,
    filter: {
      assessmentId: query.assessment,
      courseId: query.course,
      learnerId: query.learner,
      status: query.status,
      receivedAfter: query.receivedAfter,
      receivedBefore: query.receivedBefore,
    },
    after,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map(toAttemptSummary),
    nextCursor:
      rows.length > query.limit && last ? encodeAttemptCursor(last, { tenantId, query }) : null,
  };
}
