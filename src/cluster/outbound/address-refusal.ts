import { AppError } from '../../errors/app-error.js';

/**
 * Why kubegrade will not connect to a cluster address. Stable: clients and logs may branch on it.
 * Address-range reasons come from the resolved IP; the *_HOST reasons from the host name itself.
 */
export const addressRefusalReasons = [
  'LOOPBACK',
  'PRIVATE',
  'LINK_LOCAL',
  'CGNAT',
  'METADATA_ADDRESS',
  'METADATA_HOST',
  'INTERNAL_HOST',
  'UNSPECIFIED',
  'MULTICAST',
  'BROADCAST',
  'DOCUMENTATION',
  'BENCHMARK',
  'RESERVED',
  'INVALID_ADDRESS',
  'UNRESOLVABLE',
  /** Connect time only: the guarded agent serves one cluster and connects nowhere else. */
  'NOT_TARGET_HOST',
  /** Connect time only: a request asked for a Unix socket instead of TCP. */
  'UNIX_SOCKET',
] as const;

export type AddressRefusalReason = (typeof addressRefusalReasons)[number];

const describedReasons: Record<AddressRefusalReason, string> = {
  LOOPBACK: 'a loopback address',
  PRIVATE: 'a private-network address',
  LINK_LOCAL: 'a link-local address',
  CGNAT: 'a carrier-grade NAT (shared) address',
  METADATA_ADDRESS: 'a cloud metadata service address',
  METADATA_HOST: 'a cloud metadata service name',
  INTERNAL_HOST: 'a name that only resolves inside a private network',
  UNSPECIFIED: 'an unspecified address',
  MULTICAST: 'a multicast address',
  BROADCAST: 'the broadcast address',
  DOCUMENTATION: 'an address reserved for documentation',
  BENCHMARK: 'an address reserved for benchmarking',
  RESERVED: 'a reserved address',
  INVALID_ADDRESS: 'not a valid IP address',
  UNRESOLVABLE: 'a name that does not resolve',
  NOT_TARGET_HOST: 'not the cluster this connection was made for',
  UNIX_SOCKET: 'a local socket',
};

/** What is refused and why. Host names and IP addresses are not secrets; nothing else is kept. */
export interface AddressRefusal {
  reason: AddressRefusalReason;
  host: string;
  /** The resolved (or literal) address that was refused, when there is one. */
  address?: string;
}

export function describeAddressRefusal(refusal: AddressRefusal): string {
  const what = describedReasons[refusal.reason];
  if (refusal.address !== undefined && refusal.address !== refusal.host) {
    return `${refusal.host} resolves to ${refusal.address}, which is ${what}`;
  }
  return `${refusal.host} is ${what}`;
}

/** The API-facing error: `CLUSTER_ADDRESS_REFUSED` with details `{ reason, host, address? }`. */
export function clusterAddressRefusedError(refusal: AddressRefusal): AppError {
  return new AppError(
    'CLUSTER_ADDRESS_REFUSED',
    `kubegrade does not connect to this cluster address: ${describeAddressRefusal(refusal)}.`,
    { ...refusal },
  );
}

/**
 * The connect-time error, shaped like a Node network error (`code`) because it surfaces through
 * sockets and HTTP clients. `toAppError()` gives the API-facing form.
 */
export class ClusterAddressRefusedError extends Error {
  readonly code = 'ECLUSTERADDRESSREFUSED';
  readonly reason: AddressRefusalReason;
  readonly host: string;
  readonly address: string | undefined;

  constructor(refusal: AddressRefusal) {
    super(`cluster address refused (${refusal.reason}): ${describeAddressRefusal(refusal)}`);
    this.name = 'ClusterAddressRefusedError';
    this.reason = refusal.reason;
    this.host = refusal.host;
    this.address = refusal.address;
  }

  toAppError(): AppError {
    return clusterAddressRefusedError({
      reason: this.reason,
      host: this.host,
      ...(this.address === undefined ? {} : { address: this.address }),
    });
  }
}

export function isClusterAddressRefusedError(value: unknown): value is ClusterAddressRefusedError {
  return value instanceof ClusterAddressRefusedError;
}
