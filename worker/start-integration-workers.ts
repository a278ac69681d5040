import type { SecretBox } from '../src/cluster/secret-box.js';
import type { Logger } from '../src/logging/logger.js';
import { createRedisConnection } from '../src/queue/redis-connection.js';
import type { Integrations } from '../src/runtime/integrations.js';
import { startOutboxDispatcher } from './outbox-dispatcher.js';
import { createLtiScoreWorker } from './lti-score-worker.js';
import { createWebhookDeliveryWorker } from './webhook-delivery-worker.js';

/**
 * What every worker runs for integrations: the outbox dispatcher and the delivery workers.
 * `stop()` ends the dispatcher and lets in-flight deliveries finish.
 */
export function startIntegrationWorkers(options: {
  redisUrl: string;
  integrations: Integrations;
  secrets: SecretBox;
  logger: Logger;
  concurrency?: number;
}): { stop: () => Promise<void> } {
  const { integrations, logger } = options;
  const config = integrations.config;
  const connection = createRedisConnection({ url: options.redisUrl, role: 'worker' });
  const dispatcher = startOutboxDispatcher({
    integrations,
    logger,
    intervalMs: config.outboxPollIntervalMs,
  });
  const webhookWorker = createWebhookDeliveryWorker({
    connection,
    queueName: config.webhooks.queueName,
    backoffMs: config.webhooks.backoffMs,
    concurrency: options.concurrency ?? 8,
    delivery: {
      webhooks: integrations.webhooks,
      secrets: options.secrets,
      outbound: integrations.outbound,
      timeoutMs: config.requestTimeoutMs,
    },
    logger,
  });
  const ltiWorker = createLtiScoreWorker({
    connection,
    queueName: config.lti.queueName,
    backoffMs: config.lti.backoffMs,
    concurrency: options.concurrency ?? 8,
    scores: {
      lti: integrations.lti,
      tokens: integrations.ltiTokens,
      outbound: integrations.outbound,
      timeoutMs: config.requestTimeoutMs,
    },
    logger,
  });
  return {
    stop: async () => {
      await dispatcher.stop();
      await Promise.all([webhookWorker.close(), ltiWorker.close()]);
      connection.disconnect();
    },
  };
}
