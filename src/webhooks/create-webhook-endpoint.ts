import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../cluster/secret-box.js';
import {
  assertIntegrationUrlAllowed,
  type IntegrationOutbound,
} from '../integrations/integration-url.js';
import type { WebhookEventType } from '../attempts/attempt-event.js';
import { generateWebhookSecret } from './webhook-secret.js';
import type { WebhookEndpointRecord, WebhookRepository } from './webhook-repository.js';

export interface CreateWebhookEndpointDependencies {
  webhooks: WebhookRepository;
  secrets: SecretBox;
  outbound: IntegrationOutbound;
}

export interface CreateWebhookEndpointOptions {
  tenantId: string;
  url: string;
  eventTypes: WebhookEventType[];
  description: string | undefined;
}

/**
 * Registers an endpoint for a tenant. The URL must pass the outbound guard now (and each
 * delivery passes it again at connect time). The secret is returned this once and stored sealed.
 */
export async function createWebhookEndpoint(
  deps: CreateWebhookEndpointDependencies,
  options: CreateWebhookEndpointOptions,
): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
  await assertIntegrationUrlAllowed(options.url, deps.outbound, 'webhook');
  const secret = generateWebhookSecret();
  const endpoint = await deps.webhooks.createEndpoint({
    id: randomUUID(),
    tenantId: options.tenantId,
    url: options.url,
    description: options.description,
    eventTypes: [...new Set(options.eventTypes)],
    secretSealed: deps.secrets.seal(secret),
  });
  return { endpoint, secret };
}
