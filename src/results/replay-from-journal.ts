import type { Assessment } from '../assessments/assessment.js';
import type { ObservationStore } from '../attempts/observation-store.js';
import type { AttemptGrade } from '../grading/attempt-grade.js';
import { gradeFromJournal } from '../grading/grade-from-journal.js';
import { systemClock } from '../grading/grading-clock.js';
import { AttemptJournal } from '../grading/journal/attempt-journal.js';

/** An attempt as a regrade sees it: what was submitted and where the grader looked. */
export interface RecordedAttempt {
  id: string;
  manifest: string;
  answers: Record<string, string | string[]>;
  /** The learner's namespace as the grader recorded it; the rubric's when unknown. */
  namespace: string | undefined;
}

/** Grades a recorded attempt again with a rubric, from stored evidence only. */
export type ReplayGrade = (
  assessment: Assessment,
  attempt: RecordedAttempt,
) => Promise<AttemptGrade>;

/** The record ends while the grader was still waiting: the attempt cannot be judged from it. */
export class RecordIncompleteError extends Error {
  constructor(readonly attemptId: string) {
    super('the recorded observations end while the grader was still waiting');
    this.name = 'RecordIncompleteError';
  }
}

/**
 * Replay through the one grading use case (gradeFromJournal) with no cluster: every read is
 * answered from the attempt's observation journal, nothing is appended, and anything the
 * journal does not hold is "could not look" (`error`), never a fresh look at the cluster.
 */
export function createJournalReplay(deps: { observations: ObservationStore }): ReplayGrade {
  return async (assessment, attempt) => {
    const journal = new AttemptJournal(await deps.observations.load(attempt.id));
    const outcome = await gradeFromJournal({
      assessment,
      submission: { manifest: attempt.manifest, answers: attempt.answers },
      journal,
      clock: systemClock,
      // A wait past the end of the record would wait on nothing: stop at once instead.
      parkAfterMs: 0,
      ...(attempt.namespace === undefined ? {} : { namespace: attempt.namespace }),
    });
    await outcome.session.close();
    if (outcome.status === 'parked') throw new RecordIncompleteError(attempt.id);
    return outcome.grade;
  };
}
