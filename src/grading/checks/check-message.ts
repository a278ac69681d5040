import type { CheckBase } from '../../assessments/format/check-base.js';
import type { CheckVerdict } from './check-verdict.js';

/**
 * The learner-facing message: the author's feedback for this outcome (and failure mode), then
 * the grader's own explanation of what it expected and found.
 */
export function composeCheckMessage(check: CheckBase, verdict: CheckVerdict): string {
  const explanation =
    verdict.explanation === undefined ? undefined : asSentence(verdict.explanation);
  switch (verdict.outcome) {
    case 'passed':
      return check.feedback?.passed ?? explanation ?? 'Passed.';
    case 'error':
      return explanation ?? 'The grader could not run this check.';
    case 'failed': {
      const failed = check.feedback?.failed;
      const authored =
        typeof failed === 'string' ? failed : (failed?.[verdict.failureMode] ?? failed?.default);
      return [authored?.trim(), explanation].filter(Boolean).join(' ');
    }
  }
}

function asSentence(clause: string): string {
  const text = clause.trim();
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
