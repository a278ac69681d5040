import { load, YAMLException } from 'js-yaml';
import type { Assessment } from '../assessments/assessment.js';
import { AppError } from '../errors/app-error.js';
import type { QuizAnswers } from '../grading/attempt-grade.js';
import { validateAnswers } from '../grading/quiz/validate-answers.js';

/**
 * The `--answers` file: YAML (JSON is YAML too), one entry per question id. Unlike the API,
 * which drops answers to questions of another rubric version, a learner's own file with an id
 * the quiz does not have is refused: it is a typo, and dropping it would cost them the points.
 */
export function parseAnswersFile(assessment: Assessment, text: string): QuizAnswers {
  const answers = readAnswersYaml(text);
  if (typeof answers === 'object' && answers !== null && !Array.isArray(answers)) {
    const known = new Set(assessment.quiz.map((question) => question.id));
    const unknown = Object.keys(answers).filter((key) => !known.has(key));
    if (unknown.length > 0) {
      const ids = assessment.quiz.map((question) => question.id).join(', ') || 'none';
      throw new AppError(
        'ANSWER_INVALID',
        `The answers file names ${unknown.length === 1 ? 'a question' : 'questions'} this quiz does not have: ${unknown
          .map((key) => `"${key.slice(0, 100)}"`)
          .join(', ')}. The quiz's question ids are: ${ids}.`,
        { questionId: unknown[0]?.slice(0, 100) ?? null, unknownQuestionIds: unknown.length },
      );
    }
  }
  return validateAnswers(assessment, answers);
}

/** js-yaml's own message quotes the text around the mistake: only the line is passed on. */
function readAnswersYaml(text: string): unknown {
  try {
    return load(text) ?? {};
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const line = error.mark ? error.mark.line + 1 : null;
    throw new AppError(
      'ANSWER_INVALID',
      `The answers file is not valid YAML${line === null ? '' : ` (line ${line})`}.`,
      { questionId: null, line },
    );
  }
}
