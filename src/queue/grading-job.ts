import { z } from 'zod';

/**
 * A grading job names the attempt to grade, nothing more: the attempt's content lives in
 * PostgreSQL, so a job can be replayed safely and never carries secrets through Redis.
 */
export const gradingJobSchema = z.strictObject({
  attemptId: z.uuid(),
  /** Bumped when the payload shape changes, so old jobs are recognised. */
  schemaVersion: z.literal(1),
});

export type GradingJob = z.infer<typeof gradingJobSchema>;

export const gradingJobName = 'grade-attempt';

/**
 * Every BullMQ key starts with this. A {hash tag} puts all of a queue's keys in one Redis Cluster
 * slot, which BullMQ's multi-key scripts need; on a single Redis it is just a prefix.
 */
export const defaultQueuePrefix = '{kubegrade}';
