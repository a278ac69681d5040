import { z } from 'zod';
import { clusterChecks } from './cluster-checks.js';
import { nonEmptyText, slugId } from './identifiers.js';
import { manifestCheck } from './manifest-check.js';
import { quizQuestion, type QuizQuestion } from './quiz-question.js';

/** What the learner hands in and where the grader looks. */
export const assessmentInputs = z.strictObject({
  /** The file name the lesson asks for, e.g. `my-pod.yaml` (shown to learners and integrations). */
  manifest: nonEmptyText,
  namespace: nonEmptyText.default('default'),
  /** Lets the grader skip TLS verification for this assessment's clusters (security review needed). */
  allowInsecureTls: z.boolean().default(false),
});
export type AssessmentInputs = z.infer<typeof assessmentInputs>;

export const check = z.discriminatedUnion('kind', [manifestCheck, ...clusterChecks]);
export type Check = z.infer<typeof check>;
export type CheckKind = Check['kind'];

/** The contents of `assessments/<id>/assessment.yaml`. */
export const assessmentFile = z
  .strictObject({
    /** Must equal the folder name. */
    id: slugId,
    /** Semantic version, quoted or not: `1.0.0`. A new version for any change to scoring. */
    version: z
      .string({ error: 'Use a version like "1.0.0" (quoted if YAML reads it as a number)' })
      .regex(/^\d+\.\d+\.\d+$/, 'Use a version like "1.0.0"'),
    title: nonEmptyText.max(300),
    summary: nonEmptyText,
    /** Fraction of the maximum score needed to pass, from 0 to 1 (0.7 = 70 %). */
    passingScore: z.number().min(0).max(1),
    timeLimitMinutes: z.number().int().positive(),
    inputs: assessmentInputs,
    checks: z.array(check).min(1),
    quiz: z.array(quizQuestion).default([]),
  })
  .superRefine((file, context) => {
    reportDuplicateIds(file.checks, ['checks'], context);
    reportDuplicateIds(file.quiz, ['quiz'], context);
    file.quiz.forEach((question, index) =>
      checkQuestionConsistency(question, ['quiz', index], context),
    );
  })
  .meta({
    title: 'kubegrade assessment',
    description: 'A rubric: checks on the manifest and cluster, and a quiz.',
  });

export type AssessmentFile = z.infer<typeof assessmentFile>;

type Path = (string | number)[];

function reportDuplicateIds(items: { id: string }[], path: Path, context: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.id)) {
      context.addIssue({
        code: 'custom',
        message: `Duplicate id "${item.id}"`,
        path: [...path, index, 'id'],
      });
    }
    seen.add(item.id);
  });
}

function checkQuestionConsistency(
  question: QuizQuestion,
  path: Path,
  context: z.RefinementCtx,
): void {
  if (question.type === 'free-text') {
    reportDuplicateIds(question.concepts, [...path, 'concepts'], context);
    const conceptPoints = question.concepts.reduce((sum, concept) => sum + concept.points, 0);
    // Compared in hundredths: points have at most two decimals and floats do not add exactly.
    if (Math.round(conceptPoints * 100) !== Math.round(question.points * 100)) {
      context.addIssue({
        code: 'custom',
        message: `The concepts' points add up to ${conceptPoints}, not the question's ${question.points}`,
        path: [...path, 'points'],
      });
    }
    return;
  }
  reportDuplicateIds(question.choices, [...path, 'choices'], context);
  const choiceIds = new Set(question.choices.map((choice) => choice.id));
  question.correct.forEach((choiceId, index) => {
    if (!choiceIds.has(choiceId)) {
      context.addIssue({
        code: 'custom',
        message: `No choice has id "${choiceId}"`,
        path: [...path, 'correct', index],
      });
    }
  });
  if (new Set(question.correct).size !== question.correct.length) {
    context.addIssue({
      code: 'custom',
      message: 'A correct choice is listed twice',
      path: [...path, 'correct'],
    });
  }
}
