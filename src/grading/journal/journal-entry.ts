import { z } from 'zod';

/**
 * One thing the grader learnt from a learner's cluster, in the order it learnt it. A grading
 * run's whole view of the cluster is the list of these entries for its attempt: the answer to
 * every read (`call`), every change a watch delivered (`watch-*`), and every stretch of time the
 * grader could not watch (`gap`). They are appended to PostgreSQL as they happen, so a retry,
 * another worker after a crash, or a regrade with a newer rubric replays them instead of asking
 * the cluster again, and judges a Pod recorded Running as Running even after it is gone.
 *
 * `at` is the grading clock's time (ISO) when the grader learnt it; `key` names the read or the
 * watch (method and arguments), `n` counts reads (or watches) with that key within the attempt.
 */
const failureSchema = z.object({
  reason: z.string(),
  message: z.string(),
  httpStatus: z.number().int().nullable(),
});

const kubeObjectSchema = z.record(z.string(), z.unknown());

export const journalEntrySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call'),
    at: z.string(),
    key: z.string(),
    n: z.number().int().nonnegative(),
    /** The answer: an object, a list, a log text, or null for "not there" (404). */
    result: z.unknown().optional(),
    error: failureSchema.optional(),
  }),
  z.object({
    type: z.literal('watch-open'),
    at: z.string(),
    key: z.string(),
    n: z.number().int().nonnegative(),
    resourceVersion: z.string().nullable(),
  }),
  z.object({
    type: z.literal('watch-event'),
    at: z.string(),
    key: z.string(),
    n: z.number().int().nonnegative(),
    event: z.object({
      type: z.enum(['ADDED', 'MODIFIED', 'DELETED']),
      object: kubeObjectSchema,
    }),
  }),
  z.object({
    type: z.literal('watch-close'),
    at: z.string(),
    key: z.string(),
    n: z.number().int().nonnegative(),
    error: failureSchema.optional(),
    /**
     * The grader ended this watch itself (its run was over, the worker stopped): the cluster
     * did not end it, and nothing is known about the time after it. A replay must not treat
     * it as the server's end of the watch (which a live observer answers with a fresh read).
     */
    stoppedByGrader: z.literal(true).optional(),
  }),
  z.object({
    /** The grader was not watching between `from` and `at` (a crash, a parked wait, a fault). */
    type: z.literal('gap'),
    at: z.string(),
    from: z.string(),
    /** How the gap was covered again: a watch from the last resourceVersion, or a fresh read. */
    recoveredBy: z.enum(['watch-from-resource-version', 'fresh-read', 'none']),
  }),
]);

export type JournalEntry = z.infer<typeof journalEntrySchema>;
export type JournalFailure = z.infer<typeof failureSchema>;
export type CallEntry = Extract<JournalEntry, { type: 'call' }>;
export type WatchEntry = Extract<
  JournalEntry,
  { type: 'watch-open' | 'watch-event' | 'watch-close' }
>;

/** Parses entries read back from the database; a malformed one is a bug, not a learner's fault. */
export function parseJournalEntries(rows: readonly unknown[]): JournalEntry[] {
  return rows.map((row) => journalEntrySchema.parse(row));
}
