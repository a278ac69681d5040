import type { AssessmentCatalog } from '../assessments/assessment-catalog.js';
import type { Assessment } from '../assessments/assessment.js';
import { AppError } from '../errors/app-error.js';
import type { CheckGrade } from '../grading/attempt-grade.js';
import { gradeFromJournal } from '../grading/grade-from-journal.js';
import { systemClock, type GradingClock } from '../grading/grading-clock.js';
import { AttemptJournal } from '../grading/journal/attempt-journal.js';
import type { LearnerClusterConnection } from '../cluster/connect-learner-cluster.js';
import type { Logger } from '../logging/logger.js';
import type { AttemptRepository, ClaimedAttempt } from './attempt-repository.js';
import type { ClusterAccessRequest } from './attempt-request.js';
import { releaseHeldCluster, type HeldCluster, type WaitingRoom } from './held-cluster.js';
import type { ObservationStore } from './observation-store.js';
import { PermanentGradingFailure } from './permanent-grading-failure.js';

export interface GradeStoredAttemptDependencies {
  attempts: AttemptRepository;
  observations: ObservationStore;
  catalog: AssessmentCatalog;
  /** A rubric version no longer on disk, from the text stored when the attempt was accepted. */
  storedAssessment?: (id: string, version: string) => Promise<Assessment | undefined>;
  openClusterAccess: (sealed: Uint8Array) => ClusterAccessRequest;
  /** Builds a client for this attempt's cluster only (vetted kubeconfig, guarded address). */
  connectCluster?: (
    access: ClusterAccessRequest,
    options: { allowInsecureTls: boolean; signal: AbortSignal },
  ) => Promise<LearnerClusterConnection>;
  /**
   * The grading clock of one attempt. Anchored at the attempt (its receipt), so every worker
   * that resumes it agrees on the time of what was recorded, even with a scaled clock.
   */
  clockFor?: (origin: Date) => GradingClock;
  /** Grading time per real millisecond (GRADING_TIME_SCALE); 1 in production. */
  timeScale?: number;
  /** Waits longer than this park the attempt (a delayed job) instead of holding a slot. */
  parkAfterMs?: number;
  waitingRoom?: WaitingRoom;
  logger: Logger;
  now?: () => Date;
}

export interface GradeStoredAttemptOptions {
  attemptId: string;
  /** On the last try, what still cannot be looked at makes the attempt not gradable. */
  isLastTry: boolean;
  signal: AbortSignal;
}

export type GradeStoredAttemptResult =
  | { status: 'graded'; score: number; maxScore: number }
  | { status: 'not_gradable'; reason: string }
  | {
      status: 'parked';
      /** Real milliseconds until the run should look again at the latest. */
      delayMs: number;
      held: HeldCluster;
      /** The journal's size when the run parked: anything after it wakes the attempt. */
      journalSizeAtPark: number;
    }
  | { status: 'already_finished' }
  | { status: 'attempt_missing' };

/** The grader could not look at something; trying again later may succeed. */
export class GradingRetryableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GradingRetryableError';
  }
}

/**
 * Grades one stored attempt, resuming from what earlier runs observed: a retry, a run after a
 * crash or a parked wait replays the attempt's journal and looks at the cluster only for what
 * is not recorded. Safe to run again: finished attempts are left alone.
 */
export async function gradeStoredAttempt(
  deps: GradeStoredAttemptDependencies,
  { attemptId, isLastTry, signal }: GradeStoredAttemptOptions,
): Promise<GradeStoredAttemptResult> {
  const now = deps.now ?? (() => new Date());
  // One statement marks the attempt running and reads what grading needs of it.
  const claim = await deps.attempts.claimForGrading(attemptId, now());
  if (claim.status === 'missing') return { status: 'attempt_missing' };
  if (claim.status === 'finished') return { status: 'already_finished' };
  const { attempt } = claim;
  const assessment = await findAssessment(deps, attempt);

  const held =
    deps.waitingRoom?.take(attemptId) ?? (await openHeldCluster(deps, attempt, assessment, signal));
  held.journal.setSink(held.recorder.append);
  const progress = progressWriter(deps, attempt);
  const clock = (deps.clockFor ?? (() => systemClock))(attempt.receivedAt);
  let outcome;
  try {
    outcome = await gradeFromJournal({
      assessment,
      submission: {
        manifest: attempt.manifest,
        answers: attempt.answers,
        gradeWithoutCluster: attempt.gradeWithoutCluster,
      },
      journal: held.journal,
      ...(held.cluster ? { live: held.cluster.reader, namespace: held.cluster.namespace } : {}),
      clock,
      feeders: held.feeders,
      ...(deps.parkAfterMs === undefined ? {} : { parkAfterMs: deps.parkAfterMs }),
      signal,
      onCheckGraded: progress.show,
    });
  } catch (error) {
    await progress.done();
    await releaseHeldCluster(held);
    throw error;
  }
  await progress.done();

  if (outcome.status === 'parked') {
    const { parked, session } = outcome;
    await held.recorder.flush();
    await deps.attempts.markParked(attemptId, {
      until: parked.until,
      nextStep: parked.awaiting === undefined ? null : { ...parked.awaiting, until: parked.until },
    });
    const scale = deps.timeScale ?? 1;
    const delayMs = Math.max(0, (parked.until.getTime() - session.now().getTime()) / scale);
    return { status: 'parked', delayMs, held, journalSizeAtPark: session.journalSizeAtPark };
  }

  await releaseHeldCluster(held);
  const { grade } = outcome;
  // A run that outlived its time limit has been given up on: its result must not be stored.
  signal.throwIfAborted();
  const unlooked = grade.checks.filter((check) => check.outcome === 'error');
  if (unlooked.length === 0) {
    await deps.attempts.saveGrade(attemptId, grade, now());
    return { status: 'graded', score: grade.score, maxScore: grade.maxScore };
  }
  const reason = unlooked.map((check) => `${check.id}: ${check.message}`).join('; ');
  if (!isLastTry) throw new GradingRetryableError(`could not grade every check: ${reason}`);
  await deps.attempts.saveGrade(attemptId, grade, now(), {
    notGradableReason: reason,
    notGradableCode: 'CLUSTER_NOT_READABLE',
  });
  return { status: 'not_gradable', reason };
}

async function findAssessment(
  deps: GradeStoredAttemptDependencies,
  attempt: ClaimedAttempt,
): Promise<Assessment> {
  const assessment =
    deps.catalog.get(attempt.assessmentId, attempt.assessmentVersion) ??
    (await deps.storedAssessment?.(attempt.assessmentId, attempt.assessmentVersion));
  if (assessment !== undefined) return assessment;
  throw new PermanentGradingFailure(
    'RUBRIC_VERSION_MISSING',
    `Assessment ${attempt.assessmentId} version ${attempt.assessmentVersion} is no longer available to the grader.`,
  );
}

/** A first run, or a resumed one in a process that holds nothing: the journal from the store. */
async function openHeldCluster(
  deps: GradeStoredAttemptDependencies,
  attempt: ClaimedAttempt,
  assessment: Assessment,
  signal: AbortSignal,
): Promise<HeldCluster> {
  const recorded = await deps.observations.load(attempt.id);
  const recorder = deps.observations.recorder(attempt.id);
  const journal = new AttemptJournal(recorded);
  const sealed = attempt.clusterSecret;
  let cluster: LearnerClusterConnection | undefined;
  if (sealed && deps.connectCluster) {
    let access: ClusterAccessRequest;
    try {
      access = deps.openClusterAccess(sealed);
    } catch (error) {
      throw new PermanentGradingFailure(
        'CLUSTER_SECRET_UNREADABLE',
        `The grader cannot open the cluster credentials stored with this attempt (${(error as Error).message}).`,
      );
    }
    try {
      cluster = await deps.connectCluster(access, {
        allowInsecureTls: assessment.inputs.allowInsecureTls,
        signal,
      });
    } catch (error) {
      if (
        error instanceof AppError &&
        (error.code === 'KUBECONFIG_REJECTED' || error.code === 'CLUSTER_ADDRESS_REFUSED')
      ) {
        throw new PermanentGradingFailure(error.code, error.message);
      }
      throw error;
    }
  }
  return { journal, recorder, cluster, feeders: new Map() };
}

/** How long a graded check waits for the checks graded right after it, to be shown with them. */
const PROGRESS_GATHER_MS = 25;

/**
 * Shows each graded check on the attempt while it runs; a check that reads as it already does
 * (a resumed run replays the earlier ones) is not written again. Checks graded within
 * PROGRESS_GATHER_MS of each other, or while a write is in flight, go together in one statement,
 * so a burst of checks costs one statement, not one per check. A failed write costs only the
 * display.
 */
function progressWriter(deps: GradeStoredAttemptDependencies, attempt: ClaimedAttempt) {
  const shown = new Map(attempt.checks.map((check) => [check.id, check]));
  let pending: Array<{ check: CheckGrade; position: number }> = [];
  let chain = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let position = 0;
  const flush = () => {
    timer = undefined;
    chain = chain
      .then(async () => {
        // Whatever was graded by the time this write starts goes with it.
        const batch = pending;
        pending = [];
        await deps.attempts.recordChecksProgress(attempt.id, batch);
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not record progress'));
  };
  return {
    show: (check: CheckGrade) => {
      const at = position++;
      const before = shown.get(check.id);
      if (before?.outcome === check.outcome && before.message === check.message) return;
      pending.push({ check, position: at });
      timer ??= setTimeout(flush, PROGRESS_GATHER_MS);
    },
    done: () => {
      if (timer !== undefined) {
        clearTimeout(timer);
        flush();
      }
      return chain;
    },
  };
}
