import type { SecretBox } from '../cluster/secret-box.js';
import { AppError } from '../errors/app-error.js';
import { generateWebhookSecret } from './webhook-secret.js';
import type { WebhookEndpointRecord, WebhookRepository } from './webhook-repository.js';

export interface RotateWebhookSecretDependencies {
  webhooks: WebhookRepository;
  secrets: SecretBox;
  now?: () => Date;
}

/**
 * Gives an endpoint a new secret. The old one keeps signing for `previousValidForSeconds`
 * (deliveries then carry both signatures), so the receiver can switch without losing one.
 */
export async function rotateWebhookSecret(
  deps: RotateWebhookSecretDependencies,
  options: { tenantId: string; endpointId: string; previousValidForSeconds: number },
): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
  const now = (deps.now ?? (() => new Date()))();
  const secret = generateWebhookSecret();
  const endpoint = await deps.webhooks.rotateSecret(
    options.tenantId,
    options.endpointId,
    deps.secrets.seal(secret),
    new Date(now.getTime() + options.previousValidForSeconds * 1000),
  );
  if (!endpoint) throw endpointNotFound(options.endpointId);
  return { endpoint, secret };
}

export function endpointNotFound(id: string): AppError {
  return new AppError('WEBHOOK_ENDPOINT_NOT_FOUND', 'No webhook endpoint with this id.', { id });
}
