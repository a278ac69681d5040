import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { defaultAssessmentsDirectory } from '../assessments/default-assessments-directory.js';

/**
 * An assessment is named by id (looked up under assessments/), by its folder, or by its
 * assessment.yaml. Returns the file and the id its folder implies.
 */
export async function resolveAssessmentFile(
  name: string,
): Promise<{ file: string; folderId: string }> {
  const candidates = [resolve(name), join(defaultAssessmentsDirectory(), name)];
  for (const candidate of candidates) {
    const info = await stat(candidate).catch(() => undefined);
    // A folder counts only when it holds an assessment.yaml; any other folder is a wrong name.
    const inFolder = info?.isDirectory() ? join(candidate, 'assessment.yaml') : undefined;
    if (inFolder !== undefined && (await stat(inFolder).catch(() => undefined))?.isFile()) {
      return { file: inFolder, folderId: basename(candidate) };
    }
    if (info?.isFile()) return { file: candidate, folderId: basename(dirname(candidate)) };
  }
  throw new CliUsageError(
    `No assessment "${name}": give an id under assessments/, a folder or a file.`,
  );
}

/** A mistake in how the command was called: printed without a stack, exit code 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}
