import { clusterAddressRefusedError } from './address-refusal.js';
import {
  checkClusterHost,
  systemResolver,
  type HostResolver,
  type ResolvedAddress,
} from './check-cluster-host.js';
import { compileOutboundPolicy, type OutboundPolicy } from './outbound-policy.js';

/**
 * Checks, before any connection, that a cluster's server may be contacted: the name rules, then
 * every address the host resolves to (an IP-literal host is judged as itself). Early and
 * friendly, but not sufficient on its own: DNS may answer differently at connect time, which is
 * why the guarded agent checks again there.
 *
 * Throws AppError `CLUSTER_ADDRESS_REFUSED` with details `{ reason, host, address? }`.
 * Resolves to the addresses that were judged.
 */
export async function assertClusterAddressAllowed(
  url: URL,
  policy: OutboundPolicy,
  resolver: HostResolver = systemResolver,
): Promise<ResolvedAddress[]> {
  const check = await checkClusterHost(url.hostname, compileOutboundPolicy(policy), resolver);
  if (!check.allowed) throw clusterAddressRefusedError(check.refusal);
  return check.addresses;
}
