import type { CheckGrade, QuizGrade } from '../grading/attempt-grade.js';

const marks: Record<CheckGrade['outcome'], string> = {
  passed: '✔',
  failed: '✘',
  error: '?',
  skipped: '-',
};

export function formatCheckLine(check: CheckGrade): string {
  return `${marks[check.outcome]} ${check.title} (${check.points}/${check.maxPoints})`;
}

export interface FeedbackReport {
  heading: string;
  checks: readonly CheckGrade[];
  quiz: readonly QuizGrade[];
  score: number;
  maxScore: number;
  passed: boolean;
  manifestFile: string;
  /** Lines explaining why grading stopped before the last check, and what to do. */
  stoppedEarly?: string[];
}

/** The learner-facing report: each check once with why, hints for what failed, the quiz, the total. */
export function formatFeedback(report: FeedbackReport): string {
  const lines: string[] = [report.heading];
  for (const check of report.checks) {
    lines.push(formatCheckLine(check));
    lines.push(`    ${check.message}`);
    if (check.outcome !== 'passed' && check.hint) lines.push(`    hint: ${check.hint}`);
  }
  if (report.stoppedEarly !== undefined) lines.push(...report.stoppedEarly);
  for (const answer of report.quiz) {
    lines.push(`quiz ${answer.questionId}: ${answer.points}/${answer.maxPoints}`);
    lines.push(`    ${answer.message}`);
  }
  if (report.checks.some((check) => check.outcome === 'error')) {
    lines.push(
      'Some checks could not look at your cluster (marked ?); they cost you nothing. Try again.',
    );
  }
  lines.push(`manifest: ${report.manifestFile}`);
  lines.push(`score: ${report.score}/${report.maxScore}${report.passed ? ' (passed)' : ''}`);
  return lines.join('\n');
}
