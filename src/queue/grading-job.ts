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
