import { promises as dns } from 'node:dns';
import type { AddressRefusal } from './address-refusal.js';
import { parseIpAddress } from './ip-address.js';
import { judgeAddressWithPolicy } from './judge-address.js';
import { judgeHostName } from './judge-host-name.js';
import { normalizeHostName, type CompiledOutboundPolicy } from './outbound-policy.js';

export interface ResolvedAddress {
  address: string;
  /** 4 or 6, as `dns.lookup` reports it. */
  family: number;
}

/** Every address a host name resolves to, IPv4 and IPv6. Injectable so tests never use DNS. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The operating system's resolver, as Node's HTTP agents would use it: all addresses. */
export const systemResolver: HostResolver = (hostname) =>
  dns.lookup(hostname, { all: true, order: 'verbatim' });

export type HostCheck =
  | { allowed: true; addresses: ResolvedAddress[] }
  /** `cause` is the resolver's own error when the name did not resolve. */
  | { allowed: false; refusal: AddressRefusal; cause?: unknown };

/**
 * Judges a host the way a connection would reach it: an IP literal as itself; a name by the name
 * rules, then by every address it resolves to. One refused address refuses the host, because
 * the connection may use any of them.
 */
export async function checkClusterHost(
  host: string,
  policy: CompiledOutboundPolicy,
  resolver: HostResolver,
): Promise<HostCheck> {
  const name = normalizeHostName(host);
  const literal = parseIpAddress(name);
  if (literal !== undefined) {
    const reason = judgeAddressWithPolicy(name, policy);
    if (reason !== undefined)
      return { allowed: false, refusal: { reason, host: name, address: name } };
    return { allowed: true, addresses: [{ address: name, family: literal.version }] };
  }

  const nameReason = judgeHostName(name, policy);
  if (nameReason !== undefined)
    return { allowed: false, refusal: { reason: nameReason, host: name } };

  let addresses: ResolvedAddress[];
  try {
    // Resolve what the connection would resolve: brackets off, but a trailing dot kept.
    addresses = await resolver(host.trim().replace(/^\[(.*)\]$/, '$1'));
  } catch (cause) {
    return { allowed: false, refusal: { reason: 'UNRESOLVABLE', host: name }, cause };
  }
  if (addresses.length === 0) {
    return { allowed: false, refusal: { reason: 'UNRESOLVABLE', host: name } };
  }
  for (const { address } of addresses) {
    const reason = judgeAddressWithPolicy(address, policy);
    if (reason !== undefined) return { allowed: false, refusal: { reason, host: name, address } };
  }
  return { allowed: true, addresses };
}
