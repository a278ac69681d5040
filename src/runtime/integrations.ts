import type { Redis } from 'ioredis';
import { parseOutboundPolicy } from '../cluster/outbound/outbound-policy.js';
import type { IntegrationsConfig } from '../config/config.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { IntegrationOutbound } from '../integrations/integration-url.js';
import { OutboxRepository, type JobRef } from '../integrations/outbox-repository.js';
import {
  createIntegrationQueue,
  enqueueIntegrationJob,
  type IntegrationQueue,
} from '../queue/integration-queues.js';
import { WebhookRepository } from '../webhooks/webhook-repository.js';

/** Webhooks and LTI passback as the API and the workers both use them. */
export interface Integrations {
  config: IntegrationsConfig;
  webhooks: WebhookRepository;
  outbox: OutboxRepository;
  webhookQueue: IntegrationQueue;
  ltiQueue: IntegrationQueue;
  outbound: IntegrationOutbound;
  enqueueDelivery: (job: JobRef) => Promise<void>;
  enqueueScorePost: (job: JobRef) => Promise<void>;
  close: () => Promise<void>;
}

export function openIntegrations(options: {
  prisma: PrismaClient;
  connection: Redis;
  config: IntegrationsConfig;
  /** The learner-cluster allow-list: integrations pass the same guard. */
  outbound: { allowCidrs: string; allowHosts: string };
}): Integrations {
  const { config } = options;
  const webhookQueue = createIntegrationQueue({
    connection: options.connection,
    name: config.webhooks.queueName,
    maxTries: config.webhooks.maxTries,
    backoffMs: config.webhooks.backoffMs,
  });
  const ltiQueue = createIntegrationQueue({
    connection: options.connection,
    name: config.lti.queueName,
    maxTries: config.lti.maxTries,
    backoffMs: config.lti.backoffMs,
  });
  return {
    config,
    webhooks: new WebhookRepository(options.prisma),
    outbox: new OutboxRepository(options.prisma),
    webhookQueue,
    ltiQueue,
    outbound: {
      policy: parseOutboundPolicy({
        cidrs: options.outbound.allowCidrs,
        hosts: options.outbound.allowHosts,
      }),
      allowHttp: config.allowHttp,
    },
    enqueueDelivery: (job) => enqueueIntegrationJob(webhookQueue, job.id, job.resend),
    enqueueScorePost: (job) => enqueueIntegrationJob(ltiQueue, job.id, job.resend),
    close: async () => {
      await Promise.all([webhookQueue.close(), ltiQueue.close()]);
    },
  };
}
