import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Assessment } from '../assessments/assessment.js';
import { parseAssessment } from '../assessments/parse-assessment.js';
import type { QuizAnswers } from '../grading/attempt-grade.js';
import { parseManifest } from '../grading/manifest/parse-manifest.js';
import { parseAnswersFile } from './answers-file.js';
import { resolveAssessmentFile } from './resolve-assessment-file.js';

/** A file the command needs is not there: named with the full path it looked for (exit 2). */
export class CliMissingFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliMissingFileError';
  }
}

export interface GradeInputs {
  assessment: Assessment;
  kubeconfig: string;
  manifest: string;
  /** As the learner would type it in kubectl commands (relative when it was found here). */
  manifestFile: string;
  /** Undefined when no answers file was given (the quiz may then be asked). */
  answers: QuizAnswers | undefined;
}

/**
 * Reads everything `grade` needs before anything touches the cluster. The manifest is the
 * rubric's file (first-pod: my-pod.yaml) in the current folder unless --manifest names one; a
 * missing one is an error with the path looked for, never an empty manifest graded as zero.
 */
export async function readGradeInputs(options: {
  assessment: string;
  kubeconfig: string;
  manifest?: string;
  answers?: string;
}): Promise<GradeInputs> {
  const { file, folderId } = await resolveAssessmentFile(options.assessment);
  const assessment = parseAssessment({ bytes: await readFile(file), file, expectedId: folderId });
  const kubeconfig = await readText(options.kubeconfig, '--kubeconfig');
  const manifestFile = options.manifest ?? assessment.inputs.manifest;
  const manifest = await readFile(manifestFile, 'utf8').catch(() => {
    const lookedAt = resolve(manifestFile);
    throw new CliMissingFileError(
      options.manifest === undefined
        ? `no manifest at ${lookedAt}: ${assessment.id} grades the lesson's ${assessment.inputs.manifest}. ` +
            `Run kubegrade in the folder that holds it, or name it with --manifest <file>.`
        : `--manifest: no file at ${lookedAt}`,
    );
  });
  parseManifest(manifest);
  const answers =
    options.answers === undefined
      ? undefined
      : parseAnswersFile(assessment, await readText(options.answers, '--answers'));
  return { assessment, kubeconfig, manifest, manifestFile, answers };
}

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new CliMissingFileError(`${flag}: no readable file at ${resolve(path)}`);
  }
}
