import type { AssessmentCatalog } from '../assessments/assessment-catalog.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import { applyOverrides, passes } from './effective-result.js';
import { RecordIncompleteError, type ReplayGrade } from './replay-from-journal.js';
import type { ResultsRepository, StoredRegrade } from './results-repository.js';

export interface RegradeAttemptsDependencies {
  catalog: AssessmentCatalog;
  results: ResultsRepository;
  /** Grades an attempt from its stored evidence alone (no cluster is ever contacted). */
  replay: ReplayGrade;
  logger: Logger;
  now?: () => Date;
}

export interface RegradeAttemptsOptions {
  /** Only this tenant's attempts. */
  tenantId?: string;
  assessmentId: string;
  courseId?: string;
  /** Show old → new per learner and store nothing. */
  dryRun: boolean;
  /** Who asked (recorded on each new result version). */
  actor: string;
}

export interface RegradeLine {
  attemptId: string;
  learnerId: string;
  courseId: string | null;
  fromVersion: string;
  oldScore: number | null;
  newScore: number | null;
  oldPassed: boolean | null;
  newPassed: boolean | null;
  /** Overrides kept in force whose ground changed: flagged for review (or would be). */
  flaggedOverrides: string[];
  /** `changed`/`unchanged` in a dry run; `regraded` once applied; `skipped` with a reason. */
  status: 'changed' | 'unchanged' | 'regraded' | 'skipped';
  reason?: string;
}

export interface RegradeReport {
  assessmentId: string;
  toVersion: string;
  dryRun: boolean;
  attempts: RegradeLine[];
}

/**
 * Grades every graded attempt of an assessment again with the rubric version now deployed, from
 * stored evidence only. A dry run reports old → new per learner; applying stores each result as
 * a new version (the earlier ones stay), keeps overrides in force and flags those whose ground
 * changed. An attempt whose record cannot support a verdict for every check is skipped, never
 * marked down.
 */
export async function regradeAttempts(
  deps: RegradeAttemptsDependencies,
  options: RegradeAttemptsOptions,
): Promise<RegradeReport> {
  const assessment = deps.catalog.get(options.assessmentId);
  if (!assessment) {
    throw new AppError('ASSESSMENT_NOT_FOUND', `No assessment "${options.assessmentId}".`, {
      assessmentId: options.assessmentId,
    });
  }
  const now = deps.now ?? (() => new Date());
  const candidates = await deps.results.listRegradeCandidates({
    assessmentId: assessment.id,
    exceptVersion: assessment.version,
    ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
    ...(options.courseId === undefined ? {} : { courseId: options.courseId }),
  });

  const lines: RegradeLine[] = [];
  for (const candidate of candidates) {
    const base: RegradeLineBase = {
      attemptId: candidate.id,
      learnerId: candidate.learnerId,
      courseId: candidate.courseId,
      fromVersion: candidate.assessmentVersion,
      oldScore: candidate.score,
      oldPassed: candidate.passed,
    };
    let grade;
    try {
      grade = await deps.replay(assessment, candidate);
    } catch (error) {
      if (!(error instanceof RecordIncompleteError)) throw error;
      lines.push(skippedLine(base, error.message));
      continue;
    }
    const unlooked = grade.checks.filter((check) => check.outcome === 'error');
    if (unlooked.length > 0) {
      lines.push(
        skippedLine(
          base,
          `the stored evidence does not decide ${unlooked.map((check) => check.id).join(', ')}`,
        ),
      );
      continue;
    }
    if (options.dryRun) {
      const overrides = await deps.results.listOverrides(candidate.id);
      const effective = applyOverrides(grade, overrides);
      const newPassed = passes(effective.score, grade.maxScore, assessment.passingScore);
      lines.push({
        ...base,
        newScore: effective.score,
        newPassed,
        flaggedOverrides: effective.contested.map((item) => item.override.id),
        status:
          effective.score === candidate.score && newPassed === candidate.passed
            ? 'unchanged'
            : 'changed',
      });
      continue;
    }
    let stored: StoredRegrade;
    try {
      stored = await deps.results.applyRegrade({
        attemptId: candidate.id,
        expectedAssessmentVersion: candidate.assessmentVersion,
        assessment: {
          id: assessment.id,
          version: assessment.version,
          contentHash: assessment.contentHash,
          title: assessment.title,
          passingScore: assessment.passingScore,
        },
        grade,
        actor: options.actor,
        now: now(),
      });
    } catch (error) {
      deps.logger.warn({ err: error, attemptId: candidate.id }, 'regrade of one attempt failed');
      lines.push(
        skippedLine(base, 'the attempt changed while it was regraded; run the regrade again'),
      );
      continue;
    }
    lines.push({
      ...base,
      newScore: stored.score,
      newPassed: stored.passed,
      flaggedOverrides: stored.flagged.map((override) => override.id),
      status: 'regraded',
    });
  }
  return {
    assessmentId: assessment.id,
    toVersion: assessment.version,
    dryRun: options.dryRun,
    attempts: lines,
  };
}

/** What a line says of the attempt before any regrade. */
type RegradeLineBase = Pick<
  RegradeLine,
  'attemptId' | 'learnerId' | 'courseId' | 'fromVersion' | 'oldScore' | 'oldPassed'
>;

/** An attempt left as it was, and why: it is never marked down for what cannot be decided. */
function skippedLine(base: RegradeLineBase, reason: string): RegradeLine {
  return {
    ...base,
    newScore: null,
    newPassed: null,
    flaggedOverrides: [],
    status: 'skipped',
    reason,
  };
}
