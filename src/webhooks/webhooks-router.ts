import { Router } from 'express';
import { z } from 'zod';
import { webhookEventTypes } from '../attempts/attempt-event.js';
import { AppError } from '../errors/app-error.js';
import { principalOf, requireScope } from '../http/authentication.js';
import { parseBody } from '../http/parse-body.js';
import {
  createWebhookEndpoint,
  type CreateWebhookEndpointDependencies,
} from './create-webhook-endpoint.js';
import { redeliverWebhook, type RedeliverWebhookDependencies } from './redeliver-webhook.js';
import { endpointNotFound, rotateWebhookSecret } from './rotate-webhook-secret.js';
import { deliveryStatuses } from './webhook-repository.js';
import { toWebhookDeliveryView, toWebhookEndpointView } from './webhook-view.js';

export const createWebhookEndpointSchema = z.strictObject({
  url: z.string().min(1).max(2000),
  /** Which events to deliver; all of them when absent. */
  events: z.array(z.enum(webhookEventTypes)).min(1).max(webhookEventTypes.length).optional(),
  description: z.string().max(500).optional(),
});

export const rotateWebhookSecretSchema = z.strictObject({
  /** How long the old secret keeps signing deliveries (default one day, at most seven). */
  previousSecretValidForSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .default(24 * 3600),
});

export const listWebhookDeliveriesQuerySchema = z.strictObject({
  endpointId: z.uuid().optional(),
  attemptId: z.uuid().optional(),
  status: z.enum(deliveryStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type WebhooksRouterDependencies = CreateWebhookEndpointDependencies &
  RedeliverWebhookDependencies;

/** /v1/webhooks: a tenant's endpoints and delivery log; scope `assessments:admin`. */
export function createWebhooksRouter(deps: WebhooksRouterDependencies): Router {
  const router = Router();
  router.use(requireScope('assessments:admin'));

  router.post('/endpoints', async (req, res) => {
    const body = parseBody(createWebhookEndpointSchema, req.body);
    const { endpoint, secret } = await createWebhookEndpoint(deps, {
      tenantId: principalOf(res).tenantId,
      url: body.url,
      eventTypes: body.events ?? [...webhookEventTypes],
      description: body.description,
    });
    res
      .status(201)
      .location(`/v1/webhooks/endpoints/${endpoint.id}`)
      .json({ ...toWebhookEndpointView(endpoint, new Date()), secret });
  });

  router.get('/endpoints', async (_req, res) => {
    const endpoints = await deps.webhooks.listEndpoints(principalOf(res).tenantId);
    res.json({ data: endpoints.map((endpoint) => toWebhookEndpointView(endpoint, new Date())) });
  });

  router.get('/endpoints/:id', async (req, res) => {
    const id = readId(req.params.id, endpointNotFound);
    const endpoint = await deps.webhooks.findEndpoint(principalOf(res).tenantId, id);
    if (!endpoint) throw endpointNotFound(id);
    res.json(toWebhookEndpointView(endpoint, new Date()));
  });

  router.delete('/endpoints/:id', async (req, res) => {
    const id = readId(req.params.id, endpointNotFound);
    if (!(await deps.webhooks.deleteEndpoint(principalOf(res).tenantId, id))) {
      throw endpointNotFound(id);
    }
    res.status(204).end();
  });

  router.post('/endpoints/:id/rotate-secret', async (req, res) => {
    const id = readId(req.params.id, endpointNotFound);
    const body = parseBody(rotateWebhookSecretSchema, req.body ?? {});
    const { endpoint, secret } = await rotateWebhookSecret(deps, {
      tenantId: principalOf(res).tenantId,
      endpointId: id,
      previousValidForSeconds: body.previousSecretValidForSeconds,
    });
    res.json({ ...toWebhookEndpointView(endpoint, new Date()), secret });
  });

  router.get('/deliveries', async (req, res) => {
    const query = listWebhookDeliveriesQuerySchema.safeParse(req.query);
    if (!query.success) {
      throw new AppError('VALIDATION_FAILED', 'The query is not valid.', {
        issues: query.error.issues.map((issue) => ({
          path: issue.path.map(String).join('.'),
          message: issue.message,
        })),
      });
    }
    const deliveries = await deps.webhooks.listDeliveries(principalOf(res).tenantId, query.data);
    res.json({ data: deliveries.map(toWebhookDeliveryView) });
  });

  router.get('/deliveries/:id', async (req, res) => {
    const id = readId(req.params.id, deliveryNotFound);
    const delivery = await deps.webhooks.findDelivery(principalOf(res).tenantId, id);
    if (!delivery) throw deliveryNotFound(id);
    res.json(toWebhookDeliveryView(delivery));
  });

  router.post('/deliveries/:id/redeliver', async (req, res) => {
    const id = readId(req.params.id, deliveryNotFound);
    await redeliverWebhook(deps, { tenantId: principalOf(res).tenantId, deliveryId: id });
    res.status(202).json({ id, status: 'pending' });
  });

  return router;
}

function deliveryNotFound(id: string): AppError {
  return new AppError('WEBHOOK_DELIVERY_NOT_FOUND', 'No webhook delivery with this id.', { id });
}

/** A malformed id names nothing: it is answered like a missing one. */
function readId(value: unknown, notFound: (id: string) => AppError): string {
  const parsed = z.uuid().safeParse(value);
  if (!parsed.success) throw notFound(String(value));
  return parsed.data;
}
