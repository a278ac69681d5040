import type { FreeTextQuestion } from '../../assessments/format/quiz-question.js';
import { roundToHundredths } from '../../assessments/assessment.js';
import type { QuizGrade } from '../attempt-grade.js';
import { maxFreeTextAnswerLength } from './answer-limits.js';
import { answerMentionsConcept } from './match-concept.js';
import { normalizeAnswerText } from './normalize-answer-text.js';

/** Each concept found in the answer earns its points; the matched concept ids are kept for review. */
export function gradeFreeText(question: FreeTextQuestion, answer: unknown): QuizGrade {
  const base = { questionId: question.id, maxPoints: question.points };
  if (answer === undefined || (typeof answer === 'string' && answer.trim() === '')) {
    return {
      ...base,
      answer: typeof answer === 'string' ? answer : null,
      points: 0,
      matchedConcepts: [],
      message: 'No answer was given.',
    };
  }
  if (typeof answer !== 'string' || answer.length > maxFreeTextAnswerLength) {
    return {
      ...base,
      answer: null,
      points: 0,
      matchedConcepts: [],
      message: `This question takes a text answer of at most ${maxFreeTextAnswerLength} characters.`,
    };
  }

  const normalized = normalizeAnswerText(answer);
  const matched = question.concepts.filter((concept) => answerMentionsConcept(normalized, concept));
  const points = roundToHundredths(matched.reduce((sum, concept) => sum + concept.points, 0));
  const missing = question.concepts.length - matched.length;

  let authored: string | undefined;
  let explanation: string;
  if (missing === 0) {
    authored = question.feedback?.correct;
    explanation = `Your answer covers every expected point: ${matched.map((concept) => concept.label).join('; ')}.`;
  } else if (matched.length > 0) {
    authored = question.feedback?.partial;
    explanation = `Your answer covers: ${matched.map((concept) => concept.label).join('; ')}. ${missing} more expected point${missing === 1 ? ' is' : 's are'} missing.`;
  } else {
    authored = question.feedback?.incorrect;
    explanation = `Your answer does not name any of the ${question.concepts.length} expected points.`;
  }
  return {
    ...base,
    answer,
    points,
    matchedConcepts: matched.map((concept) => concept.id),
    message: [authored?.trim(), explanation].filter(Boolean).join(' '),
  };
}
