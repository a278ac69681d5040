import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { signWebhook } from '../../src/webhooks/sign-webhook.js';
import { generateWebhookSecret, webhookSecretSchema } from '../../src/webhooks/webhook-secret.js';

const body = JSON.stringify({ type: 'attempt.graded', data: { attemptId: 'a1', score: 9 } });

describe('signWebhook', () => {
  it('makes whsec_ secrets that the standardwebhooks library accepts', () => {
    const secret = generateWebhookSecret();
    expect(webhookSecretSchema.safeParse(secret).success).toBe(true);
    expect(() => new Webhook(secret)).not.toThrow();
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('produces headers that the standardwebhooks verifier accepts, and refuses a changed body', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({
      messageId: 'msg_1',
      timestamp: new Date(),
      body,
      secrets: [secret],
    });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('9', '10'), { ...headers })).toThrow(
      WebhookVerificationError,
    );
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow(
      WebhookVerificationError,
    );
  });

  it('carries one signature per secret during a rotation, so either secret verifies', () => {
    const current = generateWebhookSecret();
    const previous = generateWebhookSecret();
    const headers = signWebhook({
      messageId: 'msg_2',
      timestamp: new Date(),
      body,
      secrets: [current, previous],
    });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, { ...headers })).toBeTruthy();
    expect(new Webhook(previous).verify(body, { ...headers })).toBeTruthy();
  });

  it('signs id.timestamp.body: a replayed delivery with another timestamp does not verify', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({
      messageId: 'msg_3',
      timestamp: new Date(),
      body,
      secrets: [secret],
    });
    const shifted = {
      ...headers,
      'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1),
    };
    expect(() => new Webhook(secret).verify(body, shifted)).toThrow(WebhookVerificationError);
  });
});
