import { toOutboundTryView } from '../integrations/outbound-try.js';
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from './webhook-repository.js';

/** The API's view of an endpoint: never its secrets. */
export function toWebhookEndpointView(endpoint: WebhookEndpointRecord, now: Date) {
  const previous = endpoint.previousSecretExpiresAt;
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.eventTypes,
    enabled: endpoint.enabled,
    createdAt: endpoint.createdAt.toISOString(),
    /** While set, deliveries carry a signature with the previous secret too. */
    previousSecretValidUntil: previous !== null && previous > now ? previous.toISOString() : null,
  };
}

/** The delivery log entry: outcome of each try, never the body or a secret. */
export function toWebhookDeliveryView(delivery: WebhookDeliveryRecord) {
  return {
    id: delivery.id,
    endpointId: delivery.endpointId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    attemptId: delivery.attemptId,
    status: delivery.status,
    tries: delivery.tries,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    nextTryAt: delivery.nextTryAt?.toISOString() ?? null,
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
    ...(delivery.log ? { log: delivery.log.map(toOutboundTryView) } : {}),
  };
}
