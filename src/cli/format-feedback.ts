import type { AttemptGrade, CheckGrade } from '../grading/attempt-grade.js';

const marks: Record<CheckGrade['outcome'], string> = {
  passed: '✔',
  failed: '✘',
  error: '?',
  skipped: '-',
};

export function formatCheckLine(check: CheckGrade): string {
  return `${marks[check.outcome]} ${check.title} (${check.points}/${check.maxPoints})`;
}

/** The learner-facing report: each check with why, hints for what failed, the quiz, the total. */
export function formatFeedback(grade: AttemptGrade, context: { manifestFile: string }): string {
  const lines: string[] = [];
  for (const check of grade.checks) {
    lines.push(formatCheckLine(check));
    lines.push(`    ${check.message}`);
    if (check.outcome !== 'passed' && check.hint) lines.push(`    hint: ${check.hint}`);
  }
  for (const answer of grade.quiz) {
    lines.push(`quiz ${answer.questionId}: ${answer.points}/${answer.maxPoints}`);
    lines.push(`    ${answer.message}`);
  }
  if (grade.checks.some((check) => check.outcome === 'error')) {
    lines.push(
      'Some checks could not look at your cluster (marked ?); they cost you nothing. Try again.',
    );
  }
  lines.push(`manifest: ${context.manifestFile}`);
  lines.push(`score: ${grade.score}/${grade.maxScore}${grade.passed ? ' (passed)' : ''}`);
  return lines.join('\n');
}
