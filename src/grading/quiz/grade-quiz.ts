import type { QuizQuestion } from '../../assessments/format/quiz-question.js';
import type { QuizAnswers, QuizGrade } from '../attempt-grade.js';
import { gradeChoice } from './grade-choice.js';
import { gradeFreeText } from './grade-free-text.js';

export interface GradeQuizOptions {
  questions: readonly QuizQuestion[];
  /** Answers by question id; answers to questions not in the quiz are ignored. */
  answers: QuizAnswers;
}

/** One grade per question, in the quiz's order; an unanswered question scores 0. */
export function gradeQuiz({ questions, answers }: GradeQuizOptions): QuizGrade[] {
  // Answers come back from storage as JSON; anything but an object means nothing was answered.
  const given: Record<string, unknown> =
    typeof answers === 'object' && answers !== null ? answers : {};
  return questions.map((question) => {
    const answer = Object.hasOwn(given, question.id) ? given[question.id] : undefined;
    return question.type === 'free-text'
      ? gradeFreeText(question, answer)
      : gradeChoice(question, answer);
  });
}
