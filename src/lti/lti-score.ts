import { z } from 'zod';

/** The AGS score a tool posts to a line item (`application/vnd.ims.lis.v1.score+json`). */
export const ltiScoreSchema = z.strictObject({
  userId: z.string().min(1),
  scoreGiven: z.number().min(0).optional(),
  scoreMaximum: z.number().positive().optional(),
  activityProgress: z.enum(['Initialized', 'Started', 'InProgress', 'Submitted', 'Completed']),
  gradingProgress: z.enum(['FullyGraded', 'Pending', 'PendingManual', 'Failed', 'NotReady']),
  /** ISO 8601 with milliseconds; platforms keep only scores newer than the last they took. */
  timestamp: z.iso.datetime({ precision: 3 }),
  comment: z.string().max(1000).optional(),
});

export type LtiScore = z.infer<typeof ltiScoreSchema>;

export const ltiScoreMediaType = 'application/vnd.ims.lis.v1.score+json';

/** What happened to the attempt, as far as the gradebook is concerned. */
export type ScoreProgress =
  | { kind: 'pending' }
  | { kind: 'graded'; score: number; maxScore: number }
  | { kind: 'failed'; reason: string };

/**
 * Pending while grading (no score), FullyGraded with the score, Failed when the attempt could
 * not be graded: the learner did nothing wrong, so no zero is written into the gradebook.
 */
export function buildLtiScore(options: {
  userId: string;
  progress: ScoreProgress;
  timestamp: Date;
}): LtiScore {
  const base = { userId: options.userId, timestamp: options.timestamp.toISOString() };
  const progress = options.progress;
  switch (progress.kind) {
    case 'pending':
      return { ...base, activityProgress: 'Submitted', gradingProgress: 'Pending' };
    case 'graded':
      return {
        ...base,
        scoreGiven: progress.score,
        scoreMaximum: progress.maxScore,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
      };
    case 'failed':
      return {
        ...base,
        activityProgress: 'Submitted',
        gradingProgress: 'Failed',
        comment: 'kubegrade could not grade this attempt; it is not a mark against the learner.',
      };
  }
}

/** The line item's scores endpoint: its path plus `/scores`, its query string kept. */
export function scoresUrl(lineItemUrl: string): string {
  const url = new URL(lineItemUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/scores`;
  return url.toString();
}

/**
 * Platforms refuse a timestamp that is not strictly later than the last one they took for the
 * same user and line item (Moodle 409 on equal, Canvas 400 on earlier), at millisecond
 * precision: the next timestamp is now, or one millisecond after the last one sent.
 */
export function nextScoreTimestamp(now: Date, lastSent: Date | null): Date {
  if (lastSent === null) return now;
  return new Date(Math.max(now.getTime(), lastSent.getTime() + 1));
}
