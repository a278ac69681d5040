import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * A webhook endpoint's signing secret in the Standard Webhooks form: `whsec_` followed by the
 * base64 of 32 random bytes. The same string is what a receiver hands to its verifier.
 */
export const webhookSecretPrefix = 'whsec_';

export const webhookSecretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]{40,88}={0,2}$/, 'a whsec_ secret with 24 to 64 bytes of base64');

export function generateWebhookSecret(): string {
  return webhookSecretPrefix + randomBytes(32).toString('base64');
}
