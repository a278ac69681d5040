import { Router } from 'express';

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

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
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
