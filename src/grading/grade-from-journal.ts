import type { AttemptGrade } from './attempt-grade.js';
import type { ClusterReader } from './cluster-reader.js';
import { gradeAttempt, type GradeAttemptOptions } from './grade-attempt.js';
import type { GradingClock } from './grading-clock.js';
import type { AttemptJournal } from './journal/attempt-journal.js';
import { GradingParked } from './journal/grading-parked.js';
import { JournalSession, type LiveWatchFeeder } from './journal/journal-session.js';

export interface GradeFromJournalOptions extends Omit<
  GradeAttemptOptions,
  'cluster' | 'clock' | 'park'
> {
  /** What earlier runs of this attempt observed (empty for a first run); new entries go here. */
  journal: AttemptJournal;
  /** The learner's cluster; absent for a regrade, which judges the journal alone. */
  live?: ClusterReader;
  /** The grading clock, for the part of the run past the journal's end. */
  clock: GradingClock;
  /** Live watches an earlier run of this attempt left open in this process. */
  feeders?: Map<string, LiveWatchFeeder>;
  /** Park waits longer than this instead of holding the caller (the worker); never when unset. */
  parkAfterMs?: number;
}

export type GradeFromJournalResult =
  | { status: 'graded'; grade: AttemptGrade; session: JournalSession }
  | { status: 'parked'; parked: GradingParked; session: JournalSession };

/**
 * The one grading use case: every entry point (the worker, the CLI, a regrade) grades through
 * it. A check's verdict is a function of the rubric, the submission and what the journal
 * records; this run replays what earlier runs recorded, looks at the cluster only for what is
 * not recorded yet, and appends what it sees. The caller closes `session` once it is done
 * with the live watches (a parked run hands them to the next run instead).
 */
export async function gradeFromJournal(
  options: GradeFromJournalOptions,
): Promise<GradeFromJournalResult> {
  const { journal, live, clock, feeders, parkAfterMs, ...rest } = options;
  const session = new JournalSession({
    journal,
    liveClock: clock,
    ...(live === undefined ? {} : { live }),
    ...(feeders === undefined ? {} : { feeders }),
    ...(parkAfterMs === undefined ? {} : { parkAfterMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const watched = live !== undefined || journal.size > 0;
  try {
    const grade = await gradeAttempt({
      ...rest,
      clock: session,
      ...(watched
        ? { cluster: session, park: (until, awaiting) => session.park(until, awaiting) }
        : {}),
    });
    return { status: 'graded', grade, session };
  } catch (error) {
    if (error instanceof GradingParked) return { status: 'parked', parked: error, session };
    throw error;
  }
}
