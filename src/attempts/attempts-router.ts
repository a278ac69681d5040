import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { parseBody } from '../http/parse-body.js';
import { attemptRequestSchema } from './attempt-request.js';
import type { AttemptRepository } from './attempt-repository.js';
import { toAttemptView } from './attempt-view.js';
import { submitAttempt, type SubmitAttemptDependencies } from './submit-attempt.js';

const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/);

export function createAttemptsRouter(
  deps: SubmitAttemptDependencies & { attempts: AttemptRepository },
): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const request = parseBody(attemptRequestSchema, req.body);
    const idempotencyKey = readIdempotencyKey(req.get('Idempotency-Key'));
    const submitted = await submitAttempt(deps, { request, idempotencyKey });
    res
      .status(202)
      .location(`/v1/attempts/${submitted.id}`)
      .json({ id: submitted.id, status: 'queued', location: `/v1/attempts/${submitted.id}` });
  });

  router.get('/:id', async (req, res) => {
    const id = z.uuid().safeParse(req.params.id);
    const attempt = id.success ? await deps.attempts.find(id.data) : null;
    if (!attempt) {
      throw new AppError('ATTEMPT_NOT_FOUND', 'No attempt with this id.', { id: req.params.id });
    }
    res.json(toAttemptView(attempt));
  });

  return router;
}

function readIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 1-200 printable characters.', {
      header: 'Idempotency-Key',
    });
  }
  return parsed.data;
}
