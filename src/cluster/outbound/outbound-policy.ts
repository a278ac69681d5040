import { parseCidr, type Cidr } from './ip-address.js';

/**
 * Exceptions to the default refusals, from configuration. Public addresses need no entry: they
 * are allowed already. Listing a range here allows exactly that range and nothing else.
 */
export interface OutboundPolicy {
  /** CIDRs (`10.20.0.0/16`, `fd00:1::/64`) or single addresses that may be connected to. */
  allowCidrs: string[];
  /**
   * Host names exempt from the name rules (metadata names, `*.internal`, single-label names...).
   * Exact match, case-insensitive, trailing dot ignored. This lifts the name check only: the
   * addresses the name resolves to must still pass, so a private cluster reached by name needs
   * its range in `allowCidrs` too. A DNS answer can change; a name alone is no proof of where it
   * points.
   */
  allowHosts: string[];
}

/** The policy in the form that is checked, parsed once. */
export interface CompiledOutboundPolicy {
  allowCidrs: readonly Cidr[];
  allowHosts: ReadonlySet<string>;
}

/**
 * Reads the comma-separated environment values. Throws a plain Error naming the first bad entry;
 * configuration code wraps it with the variable's name.
 */
export function parseOutboundPolicy(options: { cidrs: string; hosts: string }): OutboundPolicy {
  const allowCidrs = splitList(options.cidrs);
  for (const entry of allowCidrs) parseCidr(entry);
  const allowHosts = splitList(options.hosts).map((entry) => {
    const name = normalizeHostName(entry);
    if (!isHostName(name)) throw new Error(`"${entry}" is not a host name`);
    return name;
  });
  return { allowCidrs, allowHosts };
}

export function compileOutboundPolicy(policy: OutboundPolicy): CompiledOutboundPolicy {
  return {
    allowCidrs: policy.allowCidrs.map(parseCidr),
    allowHosts: new Set(policy.allowHosts.map(normalizeHostName)),
  };
}

/** Lower case, without brackets around an IPv6 literal, without the root's trailing dot. */
export function normalizeHostName(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (name.endsWith('.')) name = name.slice(0, -1);
  return name;
}

function isHostName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 253 &&
    name.split('.').every((label) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label))
  );
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}
