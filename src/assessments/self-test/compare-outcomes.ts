import type { AttemptGrade } from '../../grading/attempt-grade.js';
import type { Scenario } from './scenario.js';

/** One check of a scenario: what the scenario expects and what the grader concluded. */
export interface CheckComparison {
  id: string;
  expected: string;
  actual: string;
  /** Why it differs beyond the outcome (failure mode, reason or message text); empty if it agrees. */
  problems: string[];
}

export interface ScenarioComparison {
  checks: CheckComparison[];
  score: { expected: number | undefined; actual: number };
  /** Scenario-level problems: an unknown check id, the score, simulator errors. */
  problems: string[];
  agrees: boolean;
}

/**
 * Compares a grade with what a self-test scenario expects, check by check: the outcome, and
 * where given the failure mode, the error reason, words of the message and the score.
 */
export function compareWithScenario(
  expectation: Scenario['expect'],
  grade: Pick<AttemptGrade, 'checks' | 'score'>,
): ScenarioComparison {
  const problems = Object.keys(expectation.checks)
    .filter((id) => !grade.checks.some((check) => check.id === id))
    .map((id) => `the scenario names a check the rubric does not have: ${id}`);
  const checks = grade.checks.map((check): CheckComparison => {
    const wanted = expectation.checks[check.id];
    const expected =
      wanted === undefined
        ? (expectation.otherChecks ?? check.outcome)
        : typeof wanted === 'string'
          ? wanted
          : wanted.outcome;
    const found: string[] = [];
    if (expected !== check.outcome) found.push(`outcome ${check.outcome}, expected ${expected}`);
    if (wanted !== undefined && typeof wanted !== 'string') {
      const mode = check.details.failureMode;
      if (wanted.failureMode !== undefined && mode !== wanted.failureMode)
        found.push(`failure mode ${String(mode)}, expected ${wanted.failureMode}`);
      const reason = check.details.reason;
      if (wanted.reason !== undefined && reason !== wanted.reason)
        found.push(`reason ${String(reason)}, expected ${wanted.reason}`);
      for (const text of wanted.messageContains)
        if (!check.message.includes(text)) found.push(`the message lacks "${text}"`);
    }
    return { id: check.id, expected, actual: check.outcome, problems: found };
  });
  if (expectation.score !== undefined && expectation.score !== grade.score)
    problems.push(`score ${grade.score}, expected ${expectation.score}`);
  return {
    checks,
    score: { expected: expectation.score, actual: grade.score },
    problems,
    agrees: problems.length === 0 && checks.every((check) => check.problems.length === 0),
  };
}
