import { z } from 'zod';
import { regularExpressionSource } from './regular-expression.js';
import { nonEmptyText, points, slugId } from './identifiers.js';

/**
 * An idea the learner's free-text answer must contain, recognised by any of its synonyms
 * (phrases, compared after normalising case, punctuation, hyphens and spacing) or patterns
 * (regular expressions run on that normalised text). Write phrases, not bare nouns: a synonym
 * like "image" would credit "the image is fine".
 */
export const quizConcept = z
  .strictObject({
    id: slugId,
    label: nonEmptyText,
    points,
    synonyms: z.array(nonEmptyText).default([]),
    patterns: z.array(regularExpressionSource).default([]),
  })
  .refine((concept) => concept.synonyms.length + concept.patterns.length > 0, {
    message: 'A concept needs at least one synonym or pattern',
    path: ['synonyms'],
  });
export type QuizConcept = z.infer<typeof quizConcept>;

export const quizFeedback = z.strictObject({
  correct: z.string().optional(),
  partial: z.string().optional(),
  incorrect: z.string().optional(),
});

const questionBaseShape = {
  id: slugId,
  prompt: nonEmptyText,
  points,
  feedback: quizFeedback.optional(),
};

const quizChoice = z.strictObject({ id: slugId, text: nonEmptyText });

/** Graded by concepts; their points must add up to the question's points. */
export const freeTextQuestion = z.strictObject({
  ...questionBaseShape,
  type: z.literal('free-text'),
  concepts: z.array(quizConcept).min(1),
});

/** Exactly one correct choice. */
export const singleChoiceQuestion = z.strictObject({
  ...questionBaseShape,
  type: z.literal('single-choice'),
  choices: z.array(quizChoice).min(2),
  correct: z.array(slugId).length(1),
});

/**
 * One or more correct choices. `all-or-nothing` (default): full points for exactly the correct
 * set, else zero. `partial`: points × (right picks − wrong picks) / number of correct choices,
 * never below zero, so ticking every box earns nothing.
 */
export const multipleChoiceQuestion = z.strictObject({
  ...questionBaseShape,
  type: z.literal('multiple-choice'),
  choices: z.array(quizChoice).min(2),
  correct: z.array(slugId).min(1),
  scoring: z.enum(['all-or-nothing', 'partial']).default('all-or-nothing'),
});

export const quizQuestion = z.discriminatedUnion('type', [
  freeTextQuestion,
  singleChoiceQuestion,
  multipleChoiceQuestion,
]);
export type QuizQuestion = z.infer<typeof quizQuestion>;
export type FreeTextQuestion = z.infer<typeof freeTextQuestion>;
export type SingleChoiceQuestion = z.infer<typeof singleChoiceQuestion>;
export type MultipleChoiceQuestion = z.infer<typeof multipleChoiceQuestion>;
export type ChoiceQuestion = SingleChoiceQuestion | MultipleChoiceQuestion;
