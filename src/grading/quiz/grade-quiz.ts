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
  return questions.map((question) => {
    const answer: unknown = Object.hasOwn(answers, question.id) ? answers[question.id] : undefined;
    return question.type === 'free-text' ? gradeFreeText(question, answer) : gradeChoice(question, answer);
  });
}
