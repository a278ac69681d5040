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
import type { SecretBox } from '../cluster/secret-box.js';
import { LtiAccessTokens } from '../lti/lti-access-tokens.js';
import { LtiRepository } from '../lti/lti-repository.js';
import { ToolKeyStore } from '../lti/tool-key-store.js';
import { WebhookRepository } from '../webhooks/webhook-repository.js';

/** Webhooks and LTI passback as the API and the workers both use them. */
export interface Integrations {
  config: IntegrationsConfig;
  webhooks: WebhookRepository;
  outbox: OutboxRepository;
  lti: LtiRepository;
  toolKeys: ToolKeyStore;
  ltiTokens: LtiAccessTokens;
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
  secrets: SecretBox;
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
  const outbound: IntegrationOutbound = {
    policy: parseOutboundPolicy({
      cidrs: options.outbound.allowCidrs,
      hosts: options.outbound.allowHosts,
    }),
    allowHttp: config.allowHttp,
  };
  const lti = new LtiRepository(options.prisma);
  const toolKeys = new ToolKeyStore(lti, options.secrets);
  return {
    config,
    lti,
    toolKeys,
    ltiTokens: new LtiAccessTokens({
      toolKey: () => toolKeys.signingKey(),
      outbound,
      timeoutMs: config.requestTimeoutMs,
    }),
    webhooks: new WebhookRepository(options.prisma),
    outbox: new OutboxRepository(options.prisma),
    webhookQueue,
    ltiQueue,
    outbound,
    enqueueDelivery: (job) => enqueueIntegrationJob(webhookQueue, job.id, job.resend),
    enqueueScorePost: (job) => enqueueIntegrationJob(ltiQueue, job.id, job.resend),
    close: async () => {
      await Promise.all([webhookQueue.close(), ltiQueue.close()]);
    },
  };
}
