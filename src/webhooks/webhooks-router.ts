import { Router } from 'express';
import { z } from 'zod';
import { webhookEventTypes } from '../attempts/attempt-event.js';
import { AppError } from '../errors/app-error.js';
import { principalOf, requireScope } from '../http/authentication.js';
import { documented } from '../http/openapi/route-doc.js';
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

const endpointId = '5b9d6c1a-2f4e-4c3b-8a7d-1e2f3a4b5c6d';
const deliveryId = '7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

const endpointViewSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.enum(webhookEventTypes)),
  enabled: z.boolean(),
  createdAt: z.iso.datetime(),
  /** While set, deliveries carry a second signature made with the previous secret. */
  previousSecretValidUntil: z.iso.datetime().nullable(),
});

const endpointExample = {
  id: endpointId,
  url: 'https://lms.example.org/hooks/kubegrade',
  description: 'Gradebook sync',
  events: ['attempt.graded', 'attempt.not_gradable', 'attempt.regraded'],
  enabled: true,
  createdAt: '2026-11-29T09:00:00.000Z',
  previousSecretValidUntil: null,
};

/** Shown once, when made or rotated: the receiver verifies signatures with it. */
const withSecretSchema = endpointViewSchema.extend({ secret: z.string().startsWith('whsec_') });
const secretExample = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const deliveryViewSchema = z.object({
  id: z.uuid(),
  endpointId: z.uuid(),
  eventId: z.string(),
  eventType: z.string(),
  attemptId: z.uuid().nullable(),
  status: z.enum(deliveryStatuses),
  tries: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextTryAt: z.iso.datetime().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  /** Each try (only when one delivery is read). */
  log: z
    .array(
      z.object({
        try: z.number().int(),
        startedAt: z.iso.datetime(),
        durationMs: z.number().nullable(),
        statusCode: z.number().int().nullable(),
        error: z.string().nullable(),
        succeeded: z.boolean(),
      }),
    )
    .optional(),
});

const deliveryExample = {
  id: deliveryId,
  endpointId,
  eventId: 'evt_2f1c8a1e6b0d4c3a',
  eventType: 'attempt.graded',
  attemptId: '3f0c1d6e-8a52-4b7e-9c1a-2d5e6f7a8b90',
  status: 'delivered',
  tries: 2,
  lastStatusCode: 200,
  lastError: null,
  nextTryAt: null,
  deliveredAt: '2026-11-29T10:01:41.000Z',
  createdAt: '2026-11-29T10:01:30.000Z',
};

const webhooks = { tag: 'Webhooks', access: { scope: 'assessments:admin' } } as const;

const createEndpointDoc = documented({
  ...webhooks,
  summary: 'Add a webhook endpoint (its secret is shown once)',
  body: createWebhookEndpointSchema,
  bodyExample: { url: 'https://lms.example.org/hooks/kubegrade', description: 'Gradebook sync' },
  responses: {
    201: {
      description: 'The endpoint, with its signing secret.',
      schema: withSecretSchema,
      example: { ...endpointExample, secret: secretExample },
    },
  },
  errors: ['INTEGRATION_URL_REFUSED'],
});

const listEndpointsDoc = documented({
  ...webhooks,
  summary: "The tenant's webhook endpoints",
  responses: {
    200: {
      description: 'Every endpoint (never a secret).',
      schema: z.object({ data: z.array(endpointViewSchema) }),
      example: { data: [endpointExample] },
    },
  },
});

const endpointParams = { id: "The endpoint's id." };

const readEndpointDoc = documented({
  ...webhooks,
  summary: 'One webhook endpoint',
  params: endpointParams,
  responses: {
    200: { description: 'The endpoint.', schema: endpointViewSchema, example: endpointExample },
  },
  errors: ['WEBHOOK_ENDPOINT_NOT_FOUND'],
});

const deleteEndpointDoc = documented({
  ...webhooks,
  summary: 'Remove a webhook endpoint',
  params: endpointParams,
  responses: { 204: { description: 'Removed.' } },
  errors: ['WEBHOOK_ENDPOINT_NOT_FOUND'],
});

const rotateSecretDoc = documented({
  ...webhooks,
  summary: "Rotate an endpoint's secret (the old one keeps signing for a while)",
  params: endpointParams,
  body: rotateWebhookSecretSchema,
  bodyOptional: true,
  bodyExample: { previousSecretValidForSeconds: 86400 },
  responses: {
    200: {
      description: 'The endpoint with its new secret.',
      schema: withSecretSchema,
      example: {
        ...endpointExample,
        previousSecretValidUntil: '2026-11-30T09:00:00.000Z',
        secret: secretExample,
      },
    },
  },
  errors: ['WEBHOOK_ENDPOINT_NOT_FOUND'],
});

const listDeliveriesDoc = documented({
  ...webhooks,
  summary: 'The delivery log, newest first',
  query: listWebhookDeliveriesQuerySchema,
  queryExample: { status: 'failed', limit: '20' },
  responses: {
    200: {
      description: 'Deliveries with their outcome.',
      schema: z.object({ data: z.array(deliveryViewSchema) }),
      example: { data: [deliveryExample] },
    },
  },
  errors: ['VALIDATION_FAILED'],
});

const deliveryParams = { id: "The delivery's id." };

const readDeliveryDoc = documented({
  ...webhooks,
  summary: 'One delivery with each of its tries',
  params: deliveryParams,
  responses: {
    200: {
      description: 'The delivery and its log.',
      schema: deliveryViewSchema,
      example: {
        ...deliveryExample,
        log: [
          {
            try: 1,
            startedAt: '2026-11-29T10:01:30.000Z',
            durationMs: 31,
            statusCode: 500,
            error: null,
            succeeded: false,
          },
          {
            try: 2,
            startedAt: '2026-11-29T10:01:41.000Z',
            durationMs: 12,
            statusCode: 200,
            error: null,
            succeeded: true,
          },
        ],
      },
    },
  },
  errors: ['WEBHOOK_DELIVERY_NOT_FOUND'],
});

const redeliverDoc = documented({
  ...webhooks,
  summary: 'Send a delivery again',
  params: deliveryParams,
  responses: {
    202: {
      description: 'Queued again.',
      schema: z.object({ id: z.uuid(), status: z.literal('pending') }),
      example: { id: deliveryId, status: 'pending' },
    },
  },
  errors: ['WEBHOOK_DELIVERY_NOT_FOUND'],
});

export type WebhooksRouterDependencies = CreateWebhookEndpointDependencies &
  RedeliverWebhookDependencies;

/** /v1/webhooks: a tenant's endpoints and delivery log; scope `assessments:admin`. */
export function createWebhooksRouter(deps: WebhooksRouterDependencies): Router {
  const router = Router();
  router.use(requireScope('assessments:admin'));

  router.post('/endpoints', createEndpointDoc, async (req, res) => {
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

  router.get('/endpoints', listEndpointsDoc, async (_req, res) => {
    const endpoints = await deps.webhooks.listEndpoints(principalOf(res).tenantId);
    res.json({ data: endpoints.map((endpoint) => toWebhookEndpointView(endpoint, new Date())) });
  });

  router.get('/endpoints/:id', readEndpointDoc, async (req, res) => {
    const id = readId(req.params.id, endpointNotFound);
    const endpoint = await deps.webhooks.findEndpoint(principalOf(res).tenantId, id);
    if (!endpoint) throw endpointNotFound(id);
    res.json(toWebhookEndpointView(endpoint, new Date()));
  });

  router.delete('/endpoints/:id', deleteEndpointDoc, async (req, res) => {
    const id = readId(req.params.id, endpointNotFound);
    if (!(await deps.webhooks.deleteEndpoint(principalOf(res).tenantId, id))) {
      throw endpointNotFound(id);
    }
    res.status(204).end();
  });

  router.post('/endpoints/:id/rotate-secret', rotateSecretDoc, async (req, res) => {
    const id = readId(req.params.id, endpointNotFound);
    const body = parseBody(rotateWebhookSecretSchema, req.body ?? {});
    const { endpoint, secret } = await rotateWebhookSecret(deps, {
      tenantId: principalOf(res).tenantId,
      endpointId: id,
      previousValidForSeconds: body.previousSecretValidForSeconds,
    });
    res.json({ ...toWebhookEndpointView(endpoint, new Date()), secret });
  });

  router.get('/deliveries', listDeliveriesDoc, async (req, res) => {
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

  router.get('/deliveries/:id', readDeliveryDoc, async (req, res) => {
    const id = readId(req.params.id, deliveryNotFound);
    const delivery = await deps.webhooks.findDelivery(principalOf(res).tenantId, id);
    if (!delivery) throw deliveryNotFound(id);
    res.json(toWebhookDeliveryView(delivery));
  });

  router.post('/deliveries/:id/redeliver', redeliverDoc, async (req, res) => {
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
