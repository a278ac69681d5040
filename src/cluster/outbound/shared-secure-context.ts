import { createHash } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import { LRUCache } from 'lru-cache';

/**
 * TLS contexts shared by every connection that trusts the same CA. Node builds a new context for
 * each TLS connection unless given one, and a context with its own `ca` starts from a copy of
 * the whole root store: about a MiB of native memory and a few ms of CPU per connection. A class
 * shares one cluster CA, so a worker holding thousands of parked watches needs one context, not
 * thousands. Only public material is shared this way (a client key gets a context per agent).
 */
const byCertificateAuthority = new LRUCache<string, SecureContext>({ max: 64 });

const minVersion = 'TLSv1.2';

export function secureContextFor(options: {
  caPem: string | undefined;
  client?: { certPem: string; keyPem: string } | undefined;
}): SecureContext {
  const ca = options.caPem === undefined ? {} : { ca: options.caPem };
  if (options.client !== undefined) {
    return createSecureContext({
      ...ca,
      minVersion,
      cert: options.client.certPem,
      key: options.client.keyPem,
    });
  }
  const key =
    options.caPem === undefined
      ? 'system roots'
      : createHash('sha256').update(options.caPem).digest('hex');
  let context = byCertificateAuthority.get(key);
  if (context === undefined) {
    context = createSecureContext({ ...ca, minVersion });
    byCertificateAuthority.set(key, context);
  }
  return context;
}
