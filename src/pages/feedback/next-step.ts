import type { Assessment } from '../../assessments/assessment.js';
import type { CheckOutcome } from '../../grading/attempt-grade.js';

/**
 * What the learner should do now, in one plain sentence and (where it helps) the exact command.
 * Read from the attempt's status and the checks graded so far; the rubric says which check is
 * the Pod reaching Running and which one waits for its deletion.
 */

export interface NextStep {
  /** `act`: the grader waits for the learner; `wait`: nothing to do yet; `done`: finished. */
  tone: 'act' | 'wait' | 'done' | 'fix';
  text: string;
  command?: string;
}

export interface NextStepInput {
  status: 'queued' | 'running' | 'graded' | 'not_gradable';
  passed: boolean | null;
  checks: Array<{ id: string; outcome: CheckOutcome; message: string }>;
  notGradableReason: string | null;
}

export function nextStep(assessment: Assessment | undefined, attempt: NextStepInput): NextStep {
  const lesson = lessonMoments(assessment);
  const byId = new Map(attempt.checks.map((check) => [check.id, check]));
  const running = lesson.runningCheckId ? byId.get(lesson.runningCheckId) : undefined;
  const manifestFile = assessment?.inputs.manifest ?? 'your manifest';

  if (attempt.status === 'queued') {
    return {
      tone: 'wait',
      text: 'Your attempt is waiting for a grader. Leave your Pod as it is; this page updates by itself.',
    };
  }
  if (attempt.status === 'not_gradable') {
    return {
      tone: 'fix',
      text: `The grader could not look at everything it needed, which does not count against you (${attempt.notGradableReason ?? 'no reason recorded'}). Check that your cluster is reachable and submit again.`,
    };
  }
  if (attempt.status === 'running') {
    if (lesson.podName && running === undefined) {
      return {
        tone: 'wait',
        text: `The grader is waiting for ${lesson.podName} to reach Running. If you have not applied it yet, do it now.`,
        command: `kubectl apply -f ${manifestFile}`,
      };
    }
    if (lesson.podName && running?.outcome === 'failed') {
      return {
        tone: 'fix',
        text: `Your Pod is not running: ${running.message} Fix ${manifestFile}, delete the Pod, apply it again and submit a new attempt.`,
        command: `kubectl delete pod ${lesson.podName}`,
      };
    }
    if (lesson.podName && lesson.deletionCheckId && !byId.has(lesson.deletionCheckId)) {
      return {
        tone: 'act',
        text: `Your Pod is running: delete it now with kubectl delete pod ${lesson.podName}. The grader then watches that nothing brings it back.`,
        command: `kubectl delete pod ${lesson.podName}`,
      };
    }
    return { tone: 'wait', text: 'The grader is finishing; this page updates by itself.' };
  }
  if (attempt.passed) {
    return { tone: 'done', text: 'You passed. Nothing is left to do for this lesson.' };
  }
  if (lesson.podName && running?.outcome === 'failed') {
    return {
      tone: 'fix',
      text: `Your Pod never ran: ${running.message} Fix ${manifestFile}, then delete the Pod, apply it again and submit a new attempt.`,
      command: `kubectl delete pod ${lesson.podName} && kubectl apply -f ${manifestFile}`,
    };
  }
  return {
    tone: 'fix',
    text: 'Read the failed checks below: each says what the grader saw and gives a hint. Fix them and submit a new attempt.',
  };
}

/** Which checks mark the lesson's two moments, and the Pod they follow. */
export function lessonMoments(assessment: Assessment | undefined): {
  podName: string | undefined;
  runningCheckId: string | undefined;
  deletionCheckId: string | undefined;
  windowSeconds: number | undefined;
} {
  const checks = assessment?.checks ?? [];
  // The lesson's moments follow one Pod by name; a pod-phase over a set of Pods marks none.
  const running = checks.find((check) => check.kind === 'pod-phase' && check.pod !== undefined);
  const deletion = checks.find((check) => check.kind === 'timeline' && check.deleted !== undefined);
  const podName =
    running?.kind === 'pod-phase' && running.pod !== undefined
      ? running.pod.name
      : deletion?.kind === 'timeline'
        ? deletion.pod.name
        : undefined;
  return {
    podName,
    runningCheckId: running?.id,
    deletionCheckId: deletion?.id,
    windowSeconds:
      deletion?.kind === 'timeline' ? deletion.deleted?.notRecreatedWithinSeconds : undefined,
  };
}
