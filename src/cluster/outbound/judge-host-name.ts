import type { AddressRefusalReason } from './address-refusal.js';
import { normalizeHostName, type CompiledOutboundPolicy } from './outbound-policy.js';

/**
 * Names of cloud instance-metadata services. Their addresses are refused anyway (link-local and
 * private ranges); refusing the names too means a misconfigured allow-list or a resolver that
 * answers something unexpected still cannot reach them.
 */
const metadataHostNames: ReadonlySet<string> = new Set([
  'metadata', // GCP short name (resolved through the search domain)
  'metadata.google.internal', // GCP
  'metadata.goog', // GCP
  'instance-data', // AWS short name
  'instance-data.ec2.internal', // AWS
  'metadata.azure.com', // Azure
  'metadata.tencentyun.com', // Tencent Cloud
]);

/** Suffixes of names that only mean something inside a private network (or this machine). */
const internalSuffixes: readonly { suffix: string; reason: AddressRefusalReason }[] = [
  { suffix: '.localhost', reason: 'LOOPBACK' }, // RFC 6761: always this machine
  { suffix: '.internal', reason: 'INTERNAL_HOST' }, // reserved for private use (ICANN, 2024)
  { suffix: '.local', reason: 'INTERNAL_HOST' }, // mDNS, and Kubernetes' own cluster.local
  { suffix: '.home.arpa', reason: 'INTERNAL_HOST' }, // RFC 8375 home networks
  { suffix: '.svc', reason: 'INTERNAL_HOST' }, // in-cluster Service names (kubernetes.default.svc)
];

/**
 * Refusal by name, before any resolution, or undefined when the name may be resolved and its
 * addresses judged. A name in the policy's allowHosts skips these rules (and only these).
 * Not for IP literals: those are judged as addresses.
 */
export function judgeHostName(
  host: string,
  policy: CompiledOutboundPolicy,
): AddressRefusalReason | undefined {
  const name = normalizeHostName(host);
  if (name.length === 0) return 'INVALID_ADDRESS';
  if (policy.allowHosts.has(name)) return undefined;
  if (metadataHostNames.has(name)) return 'METADATA_HOST';
  if (name === 'localhost') return 'LOOPBACK';
  const internal = internalSuffixes.find(({ suffix }) => name.endsWith(suffix));
  if (internal) return internal.reason;
  // A single label (`kubernetes`, `db`) resolves through search domains or /etc/hosts: local.
  if (!name.includes('.')) return 'INTERNAL_HOST';
  return undefined;
}
