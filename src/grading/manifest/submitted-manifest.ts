import { isAppError, type AppError } from '../../errors/app-error.js';
import { parseManifest } from './parse-manifest.js';

/**
 * The learner's manifest as the grader holds it. The API refuses unreadable manifests at submit
 * time, but the grader must still cope with one (older attempts, tighter limits since): every
 * manifest check then fails with the parse error as the reason.
 */
export type SubmittedManifest =
  { status: 'parsed'; documents: unknown[] } | { status: 'rejected'; error: AppError };

export function readSubmittedManifest(text: string): SubmittedManifest {
  try {
    return { status: 'parsed', documents: parseManifest(text).documents };
  } catch (error) {
    if (isAppError(error)) return { status: 'rejected', error };
    throw error;
  }
}
