import { Router } from 'express';
import type { Registry } from 'prom-client';
import { AppError } from '../errors/app-error.js';
import { gradingDemand, type QueueDepth } from '../metrics/queue-depth.js';

/**
 * `GET /metrics` in Prometheus text format, and `GET /queue-depth`: the grading backlog as JSON
 * for KEDA's metrics-api trigger (it sizes workers by `demand`; see deploy/kubernetes/).
 * Both sit outside /v1: they describe the service, not an LMS's data, and hold no secrets.
 */
export function createMetricsRouter(options: {
  registry: Registry;
  readQueueDepth?: () => Promise<QueueDepth>;
}): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.type(options.registry.contentType).send(await options.registry.metrics());
  });
  const { readQueueDepth } = options;
  if (readQueueDepth) {
    router.get('/queue-depth', async (_req, res) => {
      let depth: QueueDepth;
      try {
        depth = await readQueueDepth();
      } catch (error) {
        // No number is better than a wrong one: KEDA keeps the current size on an error.
        throw new AppError(
          'SERVICE_UNAVAILABLE',
          'The grading queue cannot be read.',
          {},
          { cause: error },
        );
      }
      res.json({ ...depth, demand: gradingDemand(depth) });
    });
  }
  return router;
}
