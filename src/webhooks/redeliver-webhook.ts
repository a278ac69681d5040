import { AppError } from '../errors/app-error.js';
import type { WebhookRepository } from './webhook-repository.js';

export interface RedeliverWebhookDependencies {
  webhooks: WebhookRepository;
  enqueueDelivery: (job: { id: string; resend: number }) => Promise<void>;
  now?: () => Date;
}

/**
 * Sends a delivery again on request (after the receiver was fixed, or to replay an event): it
 * goes back to pending with a fresh job and a fresh set of tries, keeping its log and its
 * webhook-id, so a receiver that already has it can recognise the duplicate.
 */
export async function redeliverWebhook(
  deps: RedeliverWebhookDependencies,
  options: { tenantId: string; deliveryId: string },
): Promise<void> {
  const now = (deps.now ?? (() => new Date()))();
  const requested = await deps.webhooks.requestRedelivery(
    options.tenantId,
    options.deliveryId,
    now,
  );
  if (!requested) {
    throw new AppError('WEBHOOK_DELIVERY_NOT_FOUND', 'No webhook delivery with this id.', {
      id: options.deliveryId,
    });
  }
  await deps.enqueueDelivery({ id: options.deliveryId, resend: requested.redeliveries });
}
