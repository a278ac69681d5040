import type { AssessmentFile } from '../../assessments/format/assessment-file.js';
import type { QuizQuestion } from '../../assessments/format/quiz-question.js';
import { AppError } from '../../errors/app-error.js';
import type { QuizAnswers } from '../attempt-grade.js';
import { maxFreeTextAnswerLength } from './answer-limits.js';

/**
 * Checks quiz answers at submit time, so a malformed one is refused with its question id rather
 * than silently graded as wrong. An answer to a question id this assessment version does not
 * have is refused too: it is usually an integration sending another version's answers, and
 * storing it would grade the learner on a quiz they did not answer.
 * Throws AppError `ANSWER_INVALID` with `details.questionId`.
 */
export function validateAnswers(
  assessment: Pick<AssessmentFile, 'quiz'>,
  answers: unknown,
): QuizAnswers {
  if (answers === undefined || answers === null) return {};
  if (typeof answers !== 'object' || Array.isArray(answers)) {
    throw new AppError('ANSWER_INVALID', 'Quiz answers must be an object keyed by question id.', {
      questionId: null,
    });
  }
  const given = answers as Record<string, unknown>;
  const questionIds = new Set(assessment.quiz.map((question) => question.id));
  const unknownId = Object.keys(given).find((id) => !questionIds.has(id));
  if (unknownId !== undefined) {
    const shown = unknownId.slice(0, 100);
    throw new AppError(
      'ANSWER_INVALID',
      `There is no question "${shown}" in this assessment version; its questions are: ${[...questionIds].join(', ') || 'none'}.`,
      { questionId: shown, reason: 'UNKNOWN_QUESTION' },
    );
  }
  const valid: QuizAnswers = {};
  for (const question of assessment.quiz) {
    if (!Object.hasOwn(given, question.id)) continue;
    valid[question.id] = validateAnswer(question, given[question.id]);
  }
  return valid;
}

function validateAnswer(question: QuizQuestion, answer: unknown): string | string[] {
  const refuse = (message: string): never => {
    throw new AppError('ANSWER_INVALID', `Answer to "${question.id}": ${message}`, {
      questionId: question.id,
    });
  };

  if (question.type === 'free-text') {
    if (typeof answer !== 'string') return refuse('expected text.');
    if (answer.length > maxFreeTextAnswerLength) {
      return refuse(
        `the answer is ${answer.length} characters long; the limit is ${maxFreeTextAnswerLength}.`,
      );
    }
    return answer;
  }

  const choiceIds = new Set(question.choices.map((choice) => choice.id));
  const picked =
    typeof answer === 'string' && question.type === 'single-choice' ? [answer] : answer;
  if (!Array.isArray(picked) || !picked.every((id): id is string => typeof id === 'string')) {
    return refuse(
      question.type === 'single-choice'
        ? 'expected one choice id.'
        : 'expected a list of choice ids.',
    );
  }
  if (question.type === 'single-choice' && picked.length > 1)
    return refuse('pick one choice only.');
  const unknown = picked.find((id) => !choiceIds.has(id));
  if (unknown !== undefined) return refuse(`"${unknown.slice(0, 100)}" is not one of the choices.`);
  if (new Set(picked).size !== picked.length) return refuse('a choice is listed twice.');
  return typeof answer === 'string' ? answer : picked;
}
