import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { principalOf, requireScope } from '../http/authentication.js';
import { parseBody } from '../http/parse-body.js';
import type { LinkUrls } from '../links/link-urls.js';
import { attemptRequestSchema } from './attempt-request.js';
import type { AttemptRepository } from './attempt-repository.js';
import { toAttemptView } from './attempt-view.js';
import { listAttempts } from './list-attempts.js';
import { parseListAttemptsQuery } from './list-attempts-query.js';
import { readAttempt } from './read-attempt.js';
import { submitAttempt, type SubmitAttemptDependencies } from './submit-attempt.js';

const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/);

export function createAttemptsRouter(
  deps: SubmitAttemptDependencies & {
    attempts: AttemptRepository;
    linkUrls: LinkUrls;
    /** Where a queued attempt's job stands in the waiting list (1 = next); optional. */
    queuePosition?: (attemptId: string) => Promise<number | undefined>;
    /** Called once per newly created attempt (not for idempotent replays). */
    onAttemptSubmitted?: () => void;
  },
): Router {
  const router = Router();

  router.post('/', requireScope('attempts:write'), async (req, res) => {
    const request = parseBody(attemptRequestSchema, req.body);
    const idempotencyKey = readIdempotencyKey(req.get('Idempotency-Key'));
    const { tenantId } = principalOf(res);
    const submitted = await submitAttempt(deps, { tenantId, request, idempotencyKey });
    if (submitted.created) deps.onAttemptSubmitted?.();
    const feedback = await deps.linkUrls.feedback(submitted.id);
    res
      .status(202)
      .location(`/v1/attempts/${submitted.id}`)
      .json({
        id: submitted.id,
        status: 'queued',
        location: `/v1/attempts/${submitted.id}`,
        feedbackUrl: feedback.url,
      });
  });

  router.get('/', requireScope('attempts:read'), async (req, res) => {
    const query = parseListAttemptsQuery({ ...req.query });
    res.json(await listAttempts(deps, { tenantId: principalOf(res).tenantId, query }));
  });

  router.get('/:id', requireScope('results:read'), async (req, res) => {
    const { tenantId } = principalOf(res);
    const attempt = await readAttempt(deps, { tenantId, attemptId: String(req.params.id) });
    const position =
      attempt.status === 'queued' && deps.queuePosition !== undefined
        ? await deps.queuePosition(attempt.id).catch(() => undefined)
        : undefined;
    const feedback = await deps.linkUrls.feedback(attempt.id);
    res.json({
      ...toAttemptView(attempt, position === undefined ? {} : { position }),
      feedbackUrl: feedback.url,
    });
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
