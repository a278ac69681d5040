import type { ChoiceQuestion } from '../../assessments/format/quiz-question.js';
import { roundToHundredths } from '../../assessments/assessment.js';
import type { QuizGrade } from '../attempt-grade.js';

/**
 * Single choice: full points for the correct choice. Multiple choice: see the `scoring` field of
 * the format (all-or-nothing by default; `partial` subtracts wrong picks from right ones).
 */
export function gradeChoice(question: ChoiceQuestion, answer: unknown): QuizGrade {
  const base = { questionId: question.id, maxPoints: question.points, matchedConcepts: [] };
  const picked = pickedChoices(answer);
  if (picked === undefined) {
    return {
      ...base,
      answer: null,
      points: 0,
      message: 'This answer is not a choice from the list.',
    };
  }
  if (picked.length === 0)
    return { ...base, answer: [], points: 0, message: 'No choice was made.' };

  const correct = new Set(question.correct);
  const right = picked.filter((id) => correct.has(id)).length;
  const wrong = picked.length - right;
  const exact = wrong === 0 && right === correct.size;

  let fraction = exact ? 1 : 0;
  if (question.type === 'multiple-choice' && question.scoring === 'partial') {
    fraction = Math.max(0, (right - wrong) / correct.size);
  }
  const points = roundToHundredths(question.points * fraction);
  const answered = typeof answer === 'string' ? answer : picked;

  if (exact)
    return { ...base, answer: answered, points, message: question.feedback?.correct ?? 'Correct.' };
  const authored = points > 0 ? question.feedback?.partial : question.feedback?.incorrect;
  const explanation =
    question.type === 'single-choice'
      ? 'That is not the correct choice.'
      : `${right} of ${correct.size} correct choices picked, ${wrong} wrong choice${wrong === 1 ? '' : 's'} picked.`;
  return {
    ...base,
    answer: answered,
    points,
    message: [authored?.trim(), explanation].filter(Boolean).join(' '),
  };
}

/** Distinct choice ids, from one id or a list of ids; undefined when the answer is neither. */
function pickedChoices(answer: unknown): string[] | undefined {
  if (answer === undefined) return [];
  if (typeof answer === 'string') return [answer];
  if (Array.isArray(answer) && answer.every((item): item is string => typeof item === 'string'))
    return [...new Set(answer)];
  return undefined;
}
