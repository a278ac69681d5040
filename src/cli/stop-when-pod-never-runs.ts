import type { Assessment } from '../assessments/assessment.js';
import type { CheckGrade } from '../grading/attempt-grade.js';

/** The grading stopped because the Pod the later checks need never ran. */
export class PodNeverRan extends Error {
  constructor(
    readonly check: CheckGrade,
    readonly pod: string,
  ) {
    super(`${pod} never reached Running`);
    this.name = 'PodNeverRan';
  }
}

/**
 * Watches graded checks for a failed "reaches Running" check (kind pod-phase). Every cluster
 * check after it would wait for the same Pod and repeat the same diagnosis, so the command stops
 * there: one diagnosis, at once, and what to do about it.
 */
export function stopWhenPodNeverRuns(assessment: Assessment) {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    observe(check: CheckGrade): void {
      if (check.outcome !== 'failed') return;
      const rule = assessment.checks.find((item) => item.id === check.id);
      // Only a Pod by name: the steps that follow (delete it, apply again) need its name.
      if (rule?.kind !== 'pod-phase' || rule.phase !== 'Running' || rule.pod === undefined) return;
      controller.abort(new PodNeverRan(check, rule.pod.name));
    },
  };
}

/** What the learner does next: fix, delete, apply again, grade again. */
export function nextStepsAfterPodNeverRan(options: {
  stop: PodNeverRan;
  manifestFile: string;
  namespace: string;
  gradeCommand: string;
}): string[] {
  const ns = options.namespace === 'default' ? '' : ` -n ${options.namespace}`;
  const absent = options.stop.check.details.failureMode === 'object-absent';
  const steps = absent
    ? [
        `create the Pod from your manifest: kubectl apply -f ${options.manifestFile}${ns}`,
        `wait until kubectl get pod ${options.stop.pod}${ns} says Running`,
      ]
    : [
        `fix ${options.manifestFile}: the message above says what the cluster found`,
        `delete the Pod that does not run: kubectl delete pod ${options.stop.pod}${ns}`,
        `apply it again: kubectl apply -f ${options.manifestFile}${ns}`,
        `wait until kubectl get pod ${options.stop.pod}${ns} says Running`,
      ];
  steps.push(`grade again: ${options.gradeCommand}`);
  return steps.map((step, index) => `  ${index + 1}. ${step}`);
}
