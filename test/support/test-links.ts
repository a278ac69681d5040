import { createLinkSigner, type LinkSigner } from '../../src/links/signed-links.js';

/** The link signer every test app uses (a fixed test key, one-hour links). */
export function createTestLinkSigner(options: { ttlSeconds?: number } = {}): LinkSigner {
  return createLinkSigner({
    key: Buffer.alloc(32, 9),
    feedbackTtlSeconds: options.ttlSeconds ?? 3600,
    instructorTtlSeconds: options.ttlSeconds ?? 3600,
  });
}
