import type { LearnerClusterConnection } from '../cluster/connect-learner-cluster.js';
import type { AttemptJournal } from '../grading/journal/attempt-journal.js';
import type { LiveWatchFeeder } from '../grading/journal/journal-session.js';
import type { JournalRecorder } from './observation-store.js';

/**
 * A parked attempt's live view of its cluster: the journal, the writer that stores it, the
 * connection and the watches still feeding the journal. Kept in the worker process while the
 * attempt waits, so the run that resumes it here continues without a new connection or watch.
 */
export interface HeldCluster {
  journal: AttemptJournal;
  recorder: JournalRecorder;
  cluster: LearnerClusterConnection | undefined;
  feeders: Map<string, LiveWatchFeeder>;
}

/** Where parked attempts' live views wait; the worker's implementation wakes the job on change. */
export interface WaitingRoom {
  /** Hands a held view back to the run resuming the attempt (undefined: resume from the store). */
  take(attemptId: string): HeldCluster | undefined;
}

/** Closes a held view for good: its watches end (their close is journalled) and it is stored. */
export async function releaseHeldCluster(held: HeldCluster): Promise<void> {
  const feeders = [...held.feeders.values()];
  for (const feeder of feeders) feeder.abort();
  await Promise.all(feeders.map((feeder) => feeder.ended));
  held.cluster?.close();
  await held.recorder.flush();
}
