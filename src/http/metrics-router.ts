import { Router } from 'express';
import type { Registry } from 'prom-client';
import { AppError } from '../errors/app-error.js';
import { z } from 'zod';
import { gradingDemand, type QueueDepth } from '../metrics/queue-depth.js';
import { documented } from './openapi/route-doc.js';

const metricsDoc = documented({
  summary: 'Prometheus metrics of this API process',
  tag: 'Service',
  access: 'public',
  responses: {
    200: { description: 'Prometheus text exposition format.', contentType: 'text/plain' },
  },
});

const queueDepthSchema = z.object({
  waiting: z.number().int(),
  prioritized: z.number().int(),
  delayed: z.number().int(),
  active: z.number().int(),
  /** What KEDA sizes workers by. */
  demand: z.number(),
});

const queueDepthDoc = documented({
  summary: 'The grading backlog, for the autoscaler (KEDA metrics-api)',
  tag: 'Service',
  access: 'public',
  responses: {
    200: {
      description: 'Jobs by state and the demand derived from them.',
      schema: queueDepthSchema,
      example: { waiting: 12, prioritized: 0, delayed: 3, active: 16, demand: 28 },
    },
  },
  errors: ['SERVICE_UNAVAILABLE'],
});

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
  router.get('/metrics', metricsDoc, async (_req, res) => {
    res.type(options.registry.contentType).send(await options.registry.metrics());
  });
  const { readQueueDepth } = options;
  if (readQueueDepth) {
    router.get('/queue-depth', queueDepthDoc, async (_req, res) => {
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
