import type { AssessmentCatalog } from '../../assessments/assessment-catalog.js';
import type { AttemptRepository } from '../../attempts/attempt-repository.js';
import type { ResultsRepository } from '../../results/results-repository.js';
import type { FeedbackPageModel } from './feedback-page.js';
import { lessonMoments, nextStep } from './next-step.js';
import { readObservedTimeline } from './observed-timeline.js';

export interface LoadFeedbackPageDependencies {
  attempts: AttemptRepository;
  results: ResultsRepository;
  catalog: AssessmentCatalog;
  now?: () => Date;
}

/** Reads one attempt with its evidence and overrides into what the feedback page shows. */
export async function loadFeedbackPage(
  deps: LoadFeedbackPageDependencies,
  { attemptId }: { attemptId: string },
): Promise<FeedbackPageModel | undefined> {
  const attempt = await deps.attempts.find(attemptId);
  if (!attempt) return undefined;
  // The rubric the attempt was graded with; an attempt of a retired version still shows its
  // stored checks, with the prompts of the version on disk.
  const assessment =
    deps.catalog.get(attempt.assessmentId, attempt.assessmentVersion) ??
    deps.catalog.get(attempt.assessmentId);
  const [evidence, overrides] = await Promise.all([
    deps.results.readEvidence(attemptId),
    deps.results.listOverrides(attemptId),
  ]);
  const now = deps.now?.() ?? new Date();
  const timeline = readObservedTimeline(evidence, {
    windowSeconds: lessonMoments(assessment).windowSeconds,
    end: attempt.finishedAt ?? now,
    finished: attempt.finishedAt !== null,
  });
  return {
    attempt,
    assessment,
    timeline,
    overrides: overrides.filter((override) => override.supersededAt === null),
    next: nextStep(assessment, attempt),
  };
}
