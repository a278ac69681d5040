import { readFile } from 'node:fs/promises';
import { isAppError } from '../errors/app-error.js';
import { parseAssessment, type AssessmentIssue } from '../assessments/parse-assessment.js';
import { resolveAssessmentFile } from './resolve-assessment-file.js';

/** `kubegrade validate <assessment>`: lints a rubric; exit 1 with file:line for each problem. */
export async function validateCommand(name: string, out: (line: string) => void): Promise<number> {
  const { file, folderId } = await resolveAssessmentFile(name);
  const bytes = await readFile(file);
  try {
    const assessment = parseAssessment({ bytes, file, expectedId: folderId });
    out(
      `${file}: ok — ${assessment.id} ${assessment.version}, ${assessment.checks.length} checks, ` +
        `${assessment.quiz.length} quiz questions, ${assessment.maxScore} points`,
    );
    return 0;
  } catch (error) {
    if (isAppError(error) && error.code === 'ASSESSMENT_INVALID') {
      const issues = (error.details.issues ?? []) as AssessmentIssue[];
      for (const issue of issues) {
        out(`${file}:${issue.line}: ${issue.path || '(file)'}: ${issue.message}`);
      }
      out(`${issues.length} problem${issues.length === 1 ? '' : 's'} found`);
      return 1;
    }
    throw error;
  }
}
