import { readFile } from 'node:fs/promises';
import { parseAssessment } from '../assessments/parse-assessment.js';
import { resolveAssessmentFile } from './resolve-assessment-file.js';

/** `kubegrade grade <assessment> --help` lists the questions an answers file can answer. */
export async function describeQuiz(name: string): Promise<string> {
  const { file, folderId } = await resolveAssessmentFile(name).catch(() => ({
    file: undefined,
    folderId: '',
  }));
  if (file === undefined) return '';
  const assessment = parseAssessment({ bytes: await readFile(file), file, expectedId: folderId });
  if (assessment.quiz.length === 0) return `${assessment.id} has no quiz.`;
  const lines = [`${assessment.id} ${assessment.version}: the quiz, by question id`];
  for (const question of assessment.quiz) {
    lines.push(`  ${question.id} (${question.type}, ${question.points} points)`);
    lines.push(`    ${question.prompt.trim()}`);
    if (question.type !== 'free-text') {
      lines.push(
        `    choices: ${question.choices.map((choice) => `${choice.id} (${choice.text})`).join(', ')}`,
      );
    }
  }
  return lines.join('\n');
}
