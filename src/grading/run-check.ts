import type { CheckBase } from '../assessments/format/check-base.js';
import type { CheckGrade } from './attempt-grade.js';
import { composeCheckMessage } from './checks/check-message.js';
import type { CheckContext } from './checks/check-context.js';
import { checkKindOf, type CheckKinds } from './checks/check-kind-registry.js';
import type { CheckVerdict } from './checks/check-verdict.js';
import { ClusterReadError } from './cluster-read-error.js';

/** Runs one check and turns its verdict into the stored result: points, message, hint. */
export async function runCheck(
  check: CheckBase,
  context: CheckContext,
  kinds?: CheckKinds,
): Promise<CheckGrade> {
  const verdict = await runSafely(check, context, kinds);
  const grade: CheckGrade = {
    id: check.id,
    title: check.title,
    outcome: verdict.outcome,
    points: verdict.outcome === 'passed' ? check.points : 0,
    maxPoints: check.points,
    message: composeCheckMessage(check, verdict),
    details: {
      ...verdict.details,
      ...(verdict.outcome === 'failed' ? { failureMode: verdict.failureMode } : {}),
      ...(verdict.outcome === 'error' ? { reason: verdict.reason } : {}),
    },
  };
  if (verdict.outcome === 'failed' && check.hint !== undefined) grade.hint = check.hint;
  return grade;
}

async function runSafely(
  check: CheckBase,
  context: CheckContext,
  kinds: CheckKinds | undefined,
): Promise<CheckVerdict> {
  try {
    // The loader parsed `check` with this kind's own schema, so it is what the runner takes.
    return await checkKindOf(check.kind, kinds).run(check, context);
  } catch (error) {
    // Not being able to read the cluster is the grader's problem, never the learner's mistake.
    if (error instanceof ClusterReadError) {
      return {
        outcome: 'error',
        reason: error.reason,
        explanation: `the grader could not read your cluster (${error.reason.toLowerCase().replace('_', ' ')}), so this check could not be run; it does not count against you`,
        details: { httpStatus: error.httpStatus ?? null, error: error.message },
      };
    }
    throw error;
  }
}
