import { Webhook } from 'standardwebhooks';

/** The three headers of a Standard Webhooks delivery. */
export interface WebhookSignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export interface SignWebhookOptions {
  /** Stays the same across retries and redeliveries, so receivers can drop duplicates. */
  messageId: string;
  timestamp: Date;
  body: string;
  /**
   * Every secret the endpoint currently accepts, newest first. While a rotated-out secret is
   * still valid the delivery carries one `v1,` signature per secret, space-separated, so a
   * receiver that has not switched yet still verifies.
   */
  secrets: readonly string[];
}

/**
 * Signs a delivery the Standard Webhooks way (HMAC-SHA256 over `id.timestamp.body`) through the
 * reference `standardwebhooks` library, so sender and receiver share one implementation.
 */
export function signWebhook(options: SignWebhookOptions): WebhookSignatureHeaders {
  if (options.secrets.length === 0) throw new Error('a webhook needs at least one secret');
  const signatures = options.secrets.map((secret) =>
    new Webhook(secret).sign(options.messageId, options.timestamp, options.body),
  );
  return {
    'webhook-id': options.messageId,
    'webhook-timestamp': String(Math.floor(options.timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
