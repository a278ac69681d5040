import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { QuizQuestion } from '../assessments/format/quiz-question.js';
import type { QuizAnswers } from '../grading/attempt-grade.js';
import { maxFreeTextAnswerLength } from '../grading/quiz/answer-limits.js';

/** Asks one line of the learner; resolves with what they typed. */
export type AskLine = (prompt: string) => Promise<string>;

/** A terminal conversation on `input`/`output` (stdin and stderr, so stdout keeps the report). */
export function createTerminalAsk(input: Readable, output: Writable): AskLine & { close(): void } {
  const terminal = createInterface({ input, output, terminal: false });
  const lines = terminal[Symbol.asyncIterator]();
  const ask = async (prompt: string): Promise<string> => {
    output.write(prompt);
    const next = await lines.next();
    return next.done ? '' : String(next.value);
  };
  return Object.assign(ask, { close: () => terminal.close() });
}

/**
 * Shows each question and reads the answer: free text as typed (an empty line skips it), a
 * choice by its number or id (several, comma-separated, for multiple choice). A choice that is
 * not on the list is asked again, so a slip of the finger is never graded as a wrong answer.
 */
export async function askQuiz(
  questions: readonly QuizQuestion[],
  ask: AskLine,
  show: (line: string) => void,
): Promise<QuizAnswers> {
  const answers: QuizAnswers = {};
  for (const [index, question] of questions.entries()) {
    show(`\nquiz ${index + 1}/${questions.length} (${question.id}, ${question.points} points)`);
    show(question.prompt.trim());
    if (question.type === 'free-text') {
      const text = (await ask('your answer (one line, empty to skip): ')).trim();
      if (text !== '') answers[question.id] = text.slice(0, maxFreeTextAnswerLength);
      continue;
    }
    question.choices.forEach((choice, position) => show(`  ${position + 1}) ${choice.text}`));
    const many = question.type === 'multiple-choice';
    for (;;) {
      const typed = (
        await ask(many ? 'your choices (numbers, comma-separated): ' : 'your choice (number): ')
      ).trim();
      if (typed === '') break;
      const picked = pickChoices(question, typed);
      if (picked === undefined || (!many && picked.length !== 1)) {
        show(`  pick ${many ? 'numbers' : 'one number'} from 1 to ${question.choices.length}`);
        continue;
      }
      answers[question.id] = many ? picked : (picked[0] as string);
      break;
    }
  }
  return answers;
}

function pickChoices(
  question: Extract<QuizQuestion, { choices: unknown }>,
  typed: string,
): string[] | undefined {
  const ids: string[] = [];
  for (const part of typed.split(/[\s,]+/u).filter(Boolean)) {
    const byNumber = /^\d+$/u.test(part) ? question.choices[Number(part) - 1] : undefined;
    const choice = byNumber ?? question.choices.find((item) => item.id === part);
    if (choice === undefined) return undefined;
    if (!ids.includes(choice.id)) ids.push(choice.id);
  }
  return ids.length > 0 ? ids : undefined;
}
