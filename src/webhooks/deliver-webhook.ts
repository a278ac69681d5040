import type { SecretBox } from '../cluster/secret-box.js';
import type { IntegrationOutbound } from '../integrations/integration-url.js';
import { integrationMetrics } from '../integrations/integration-metrics.js';
import { sendGuardedRequest } from '../integrations/send-guarded-request.js';
import { signWebhook } from './sign-webhook.js';
import type { WebhookRepository } from './webhook-repository.js';

export interface DeliverWebhookDependencies {
  webhooks: WebhookRepository;
  secrets: SecretBox;
  outbound: IntegrationOutbound;
  timeoutMs: number;
  now?: () => Date;
}

export interface DeliverWebhookOptions {
  deliveryId: string;
  /** No retry follows this try: a failure ends the delivery as failed. */
  isLastTry: boolean;
  /** The wait before the next try, if this one fails and is not the last. */
  retryInMs: number;
}

export type DeliverWebhookResult =
  | { status: 'delivered'; statusCode: number }
  | { status: 'retry'; error: string }
  | { status: 'failed'; error: string }
  | { status: 'skipped' };

/** A delivery try that failed and will be tried again; the queue retries it after back-off. */
export class WebhookRetryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookRetryError';
  }
}

/**
 * One try of one delivery: sign the event with every secret the endpoint accepts, POST it
 * through the outbound guard, log the try. A 2xx delivers; anything else is retried with
 * back-off until the last try. A delivery that is no longer pending (delivered meanwhile by a
 * duplicate job) is left alone, so a receiver accepts each event once.
 */
export async function deliverWebhook(
  deps: DeliverWebhookDependencies,
  options: DeliverWebhookOptions,
): Promise<DeliverWebhookResult> {
  const now = deps.now ?? (() => new Date());
  const work = await deps.webhooks.loadWork(options.deliveryId);
  if (!work || work.status !== 'pending') return { status: 'skipped' };
  if (!work.endpoint.enabled) {
    await deps.webhooks.markFailed(work.id, 'endpoint disabled');
    return { status: 'failed', error: 'endpoint disabled' };
  }

  const startedAt = now();
  const secrets = [deps.secrets.open(work.endpoint.secretSealed)];
  const previousValid =
    work.endpoint.previousSecretSealed !== null &&
    work.endpoint.previousSecretExpiresAt !== null &&
    work.endpoint.previousSecretExpiresAt > startedAt;
  if (previousValid && work.endpoint.previousSecretSealed) {
    secrets.push(deps.secrets.open(work.endpoint.previousSecretSealed));
  }
  const body = JSON.stringify(work.payload);
  const headers = signWebhook({ messageId: work.eventId, timestamp: startedAt, body, secrets });

  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const answer = await sendGuardedRequest(
      {
        method: 'POST',
        url: work.endpoint.url,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'user-agent': 'kubegrade-webhooks/1',
        },
        body,
        timeoutMs: deps.timeoutMs,
      },
      deps.outbound,
    );
    statusCode = answer.status;
    if (answer.status < 200 || answer.status >= 300) error = `receiver answered ${answer.status}`;
  } catch (failure) {
    // OutboundRequestError messages name neither the URL nor a secret.
    error = failure instanceof Error ? failure.message : 'delivery failed';
  }

  const durationMs = now().getTime() - startedAt.getTime();
  const succeeded = error === null;
  const giveUp = !succeeded && options.isLastTry;
  await deps.webhooks.recordTry(work.id, {
    number: work.tries + 1,
    startedAt,
    durationMs,
    statusCode,
    error: error?.slice(0, 500) ?? null,
    succeeded,
    status: succeeded ? 'delivered' : giveUp ? 'failed' : 'pending',
    nextTryAt: succeeded || giveUp ? null : new Date(startedAt.getTime() + options.retryInMs),
  });
  integrationMetrics.recordTry({
    channel: 'webhook',
    outcome: succeeded ? 'succeeded' : giveUp ? 'gave_up' : 'failed',
    statusCode,
    durationMs,
  });
  if (succeeded) return { status: 'delivered', statusCode: statusCode ?? 0 };
  if (giveUp) return { status: 'failed', error: error ?? '' };
  return { status: 'retry', error: error ?? '' };
}
