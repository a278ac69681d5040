import { roundToHundredths } from '../assessments/assessment.js';
import type { CheckOutcome } from '../grading/attempt-grade.js';
import type { OverrideRecord, ResultValue } from './override-record.js';

/**
 * The result in force: the grader's per-check and per-question values with the instructor's
 * overrides laid over them. Pure, so the dry run of a regrade and its application compute the
 * same numbers.
 */

export interface ResultRows {
  checks: Array<{
    id: string;
    outcome: CheckOutcome;
    points: number;
    maxPoints: number;
  }>;
  quiz: Array<{ questionId: string; points: number; maxPoints: number }>;
}

export interface EffectiveResult<T extends ResultRows> {
  rows: T;
  score: number;
  /**
   * Overrides whose ground has changed: the grader now values the target differently from the
   * value the instructor overrode (`before`). They stay in force and are flagged for review.
   */
  contested: Array<{ override: OverrideRecord; graderValue: ResultValue }>;
}

export function applyOverrides<T extends ResultRows>(
  grade: T,
  overrides: readonly OverrideRecord[],
): EffectiveResult<T> {
  const active = overrides.filter((override) => override.supersededAt === null);
  const contested: EffectiveResult<T>['contested'] = [];
  const checks: T['checks'] = grade.checks.map((check): T['checks'][number] => {
    const override = active.find((item) => item.target === 'check' && item.targetId === check.id);
    if (!override) return check;
    const graderValue = { outcome: check.outcome, points: check.points };
    if (!sameValue(graderValue, override.before)) contested.push({ override, graderValue });
    return {
      ...check,
      outcome: override.after.outcome ?? check.outcome,
      points: Math.min(override.after.points, check.maxPoints),
    };
  });
  const quiz: T['quiz'] = grade.quiz.map((answer): T['quiz'][number] => {
    const override = active.find(
      (item) => item.target === 'quiz' && item.targetId === answer.questionId,
    );
    if (!override) return answer;
    const graderValue = { points: answer.points };
    if (!sameValue(graderValue, override.before)) contested.push({ override, graderValue });
    return { ...answer, points: Math.min(override.after.points, answer.maxPoints) };
  });
  const score = roundToHundredths([...checks, ...quiz].reduce((sum, item) => sum + item.points, 0));
  const rows: T = { ...grade, checks, quiz };
  return { rows, score, contested };
}

/** Passing as the grader decides it: compared in hundredths, like stored scores. */
export function passes(score: number, maxScore: number, passingScore: number): boolean {
  return Math.round(score * 100) >= Math.round(passingScore * maxScore * 100);
}

function sameValue(a: ResultValue, b: ResultValue): boolean {
  return (
    a.points === b.points &&
    (a.outcome === undefined || b.outcome === undefined || a.outcome === b.outcome)
  );
}
