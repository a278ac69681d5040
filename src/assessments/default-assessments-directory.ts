import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's `assessments/` folder, found from this module's own location so that it does
 * not depend on the working directory. Works from the sources (src/assessments/) and from the
 * build (dist/src/assessments/).
 */
export function defaultAssessmentsDirectory(): string {
  const sourceRoot = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
  const repositoryRoot = basename(sourceRoot) === 'dist' ? dirname(sourceRoot) : sourceRoot;
  return join(repositoryRoot, 'assessments');
}
