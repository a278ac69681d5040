import { Router } from 'express';
import { z } from 'zod';
import { documented } from './openapi/route-doc.js';

const livenessDoc = documented({
  summary: 'Liveness: the process serves',
  tag: 'Service',
  access: 'public',
  responses: {
    200: {
      description: 'Alive.',
      schema: z.object({ status: z.literal('ok') }),
      example: { status: 'ok' },
    },
  },
});

const readinessBodySchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(
    z.string(),
    z.object({ status: z.enum(['ok', 'unavailable']), message: z.string().optional() }),
  ),
});

const readinessDoc = documented({
  summary: 'Readiness: PostgreSQL and Redis answer',
  tag: 'Service',
  access: 'public',
  responses: {
    200: {
      description: 'Ready.',
      schema: readinessBodySchema,
      example: { status: 'ok', checks: { postgres: { status: 'ok' }, redis: { status: 'ok' } } },
    },
    503: {
      description: 'A dependency does not answer (with Retry-After).',
      schema: readinessBodySchema,
      example: {
        status: 'unavailable',
        checks: {
          postgres: { status: 'ok' },
          redis: { status: 'unavailable', message: 'no answer within 2000 ms' },
        },
      },
    },
  },
});

export interface ReadinessProbe {
  name: string;
  check: () => Promise<void>;
}

/** Liveness says the process serves; readiness says its dependencies answer too. */
export function createHealthRouter(
  probes: ReadinessProbe[],
  options: { timeoutMs?: number; retryAfterSeconds: number },
): Router {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const router = Router();

  router.get('/healthz', livenessDoc, (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', readinessDoc, async (_req, res) => {
    const results = await Promise.all(
      probes.map(async (probe) => {
        try {
          await withTimeout(probe.check(), timeoutMs);
          return [probe.name, { status: 'ok' }] as const;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          return [probe.name, { status: 'unavailable', message }] as const;
        }
      }),
    );
    const ready = results.every(([, result]) => result.status === 'ok');
    if (!ready) res.set('Retry-After', String(options.retryAfterSeconds));
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ok' : 'unavailable',
      checks: Object.fromEntries(results),
    });
  });

  return router;
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
