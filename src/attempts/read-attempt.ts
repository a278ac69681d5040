import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import type { AttemptRepository, StoredAttempt } from './attempt-repository.js';

/** Built once: a zod schema costs more to construct than to run. */
const attemptIdSchema = z.uuid();

export interface ReadAttemptDependencies {
  attempts: AttemptRepository;
}

export interface ReadAttemptOptions {
  tenantId: string;
  /** As the client sent it: anything that is not one of the tenant's attempt ids is not found. */
  attemptId: string;
}

/**
 * One of the tenant's attempts. Another tenant's attempt answers ATTEMPT_NOT_FOUND exactly as a
 * missing one does, so a caller cannot even learn that the id exists.
 */
export async function readAttempt(
  deps: ReadAttemptDependencies,
  { tenantId, attemptId }: ReadAttemptOptions,
): Promise<StoredAttempt> {
  const id = attemptIdSchema.safeParse(attemptId);
  const attempt = id.success ? await deps.attempts.findForTenant(tenantId, id.data) : null;
  if (!attempt) {
    throw new AppError('ATTEMPT_NOT_FOUND', 'No attempt with this id.', { id: attemptId });
  }
  return attempt;
}
