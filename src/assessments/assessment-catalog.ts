import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Assessment } from './assessment.js';
import { defaultAssessmentsDirectory } from './default-assessments-directory.js';
import { parseAssessment } from './parse-assessment.js';

/** The rubrics available to grade against, loaded once at start-up. */
export interface AssessmentCatalog {
  list(): Assessment[];
  /** Without a version, the one on disk; with one, only if it is that version. */
  get(id: string, version?: string): Assessment | undefined;
}

export interface LoadAssessmentCatalogOptions {
  /** A folder holding one folder per assessment, each with an assessment.yaml; the repository's by default. */
  directory?: string;
}

const assessmentFileName = 'assessment.yaml';

/**
 * Reads every `<directory>/<id>/assessment.yaml`. Folders without one are skipped (they may hold
 * drafts or shared material); any invalid file fails the whole load, so a broken rubric is
 * noticed at start-up rather than when a learner submits.
 */
export async function loadAssessmentCatalog(
  options: LoadAssessmentCatalogOptions = {},
): Promise<AssessmentCatalog> {
  const directory = options.directory ?? defaultAssessmentsDirectory();
  const entries = await readdir(directory, { withFileTypes: true });
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

  const assessments: Assessment[] = [];
  for (const folder of folders) {
    const file = join(directory, folder, assessmentFileName);
    const bytes = await readIfExists(file);
    if (bytes === undefined) continue;
    assessments.push(parseAssessment({ bytes, file, expectedId: folder }));
  }

  const byId = new Map(assessments.map((assessment) => [assessment.id, assessment]));
  return {
    list: () => [...assessments],
    get(id, version) {
      const assessment = byId.get(id);
      if (assessment === undefined || (version !== undefined && assessment.version !== version))
        return undefined;
      return assessment;
    },
  };
}

async function readIfExists(file: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if (isFileNotFound(error)) return undefined;
    throw error;
  }
}

// Structural, not `instanceof Error`: errors from Node's fs may come from another realm (jest's VM).
function isFileNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
