import { z } from 'zod';
import {
  builtInCheckKinds,
  type BuiltInCheckKinds,
} from '../../grading/checks/built-in-check-kinds.js';
import type { AnyCheckKindModule, CheckOf } from '../../grading/checks/check-kind.js';
import { assessmentInputs } from './assessment-inputs.js';
import { nonEmptyText, slugId } from './identifiers.js';
import { quizQuestion, type QuizQuestion } from './quiz-question.js';

export { assessmentInputs, type AssessmentInputs } from './assessment-inputs.js';

/** A check of any built-in kind, as the loader returns it. */
export type Check = CheckOf<BuiltInCheckKinds>;
export type CheckKind = Check['kind'];

/**
 * The schema of `assessments/<id>/assessment.yaml` for a set of check kinds: the `checks` list
 * is the union of the kinds' own schemas, so a kind defined as one module (see
 * src/grading/checks/check-kind.ts) is accepted, typed and described by the JSON Schema.
 */
export function buildAssessmentFileSchema<Modules extends readonly AnyCheckKindModule[]>(
  kinds: Modules,
) {
  const [first, ...rest] = kinds.map(
    (kind) => kind.schema as z.ZodObject<{ kind: z.ZodLiteral<string> }>,
  );
  if (first === undefined) throw new Error('An assessment format needs at least one check kind');
  const check = z.discriminatedUnion('kind', [first, ...rest]) as unknown as z.ZodType<
    CheckOf<Modules>,
    unknown
  >;
  return z
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
}

/** The contents of `assessments/<id>/assessment.yaml`, with the built-in check kinds. */
export const assessmentFile = buildAssessmentFileSchema(builtInCheckKinds);
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
