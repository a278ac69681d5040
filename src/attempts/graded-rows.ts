import { Prisma } from '../generated/prisma/client.js';
import type { AttemptGrade } from '../grading/attempt-grade.js';

/**
 * Replaces an attempt's per-check results and quiz answers with those of a grade, inside the
 * caller's transaction. Grading and regrading both write through here, so rows left by an
 * earlier run (a crashed job, the grade before a regrade) never mix with the new ones.
 * A first grading writes the same columns from its one statement (AttemptRepository.saveGrade):
 * a new column goes in both.
 */
export async function replaceGradedRows(
  tx: Prisma.TransactionClient,
  attemptId: string,
  grade: Pick<AttemptGrade, 'checks' | 'quiz'>,
): Promise<void> {
  await tx.checkResult.deleteMany({ where: { attemptId } });
  await tx.quizAnswer.deleteMany({ where: { attemptId } });
  await tx.checkResult.createMany({
    data: grade.checks.map((check, position) => ({
      attemptId,
      checkId: check.id,
      position,
      title: check.title,
      outcome: check.outcome,
      pointsAwarded: check.points,
      pointsPossible: check.maxPoints,
      message: check.message,
      hint: check.hint ?? null,
      details: check.details as object,
    })),
  });
  await tx.quizAnswer.createMany({
    data: grade.quiz.map((answer, position) => ({
      attemptId,
      questionId: answer.questionId,
      position,
      answer: answer.answer ?? Prisma.JsonNull,
      matchedConcepts: answer.matchedConcepts,
      pointsAwarded: answer.points,
      pointsPossible: answer.maxPoints,
      feedback: answer.message,
    })),
  });
}
