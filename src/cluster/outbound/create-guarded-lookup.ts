import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { ClusterAddressRefusedError } from './address-refusal.js';
import { checkClusterHost, systemResolver, type HostResolver } from './check-cluster-host.js';
import { compileOutboundPolicy, type OutboundPolicy } from './outbound-policy.js';

/**
 * A `lookup` for sockets and HTTP agents that resolves, then refuses (error code
 * `ECLUSTERADDRESSREFUSED`) when any address is refused. The addresses it hands back are the ones
 * the socket connects to, so an answer that changed since the early check (DNS rebinding) is
 * judged here, where it matters. Node skips `lookup` for IP-literal hosts: see the guarded agent.
 */
export function createGuardedLookup(
  policy: OutboundPolicy,
  resolver: HostResolver = systemResolver,
): LookupFunction {
  const compiled = compileOutboundPolicy(policy);
  return (hostname, options, callback) => {
    const answer = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]): void => {
      // Outside the promise chain, so an exception in the caller's callback is not swallowed.
      process.nextTick(() => {
        if (error) callback(error, options.all ? [] : '');
        else if (options.all) callback(null, addresses);
        else callback(null, addresses[0]?.address ?? '', addresses[0]?.family);
      });
    };

    checkClusterHost(hostname, compiled, resolver).then(
      (check) => {
        if (!check.allowed) {
          const unresolvable = check.refusal.reason === 'UNRESOLVABLE';
          answer(
            unresolvable
              ? notFound(hostname, check.cause)
              : new ClusterAddressRefusedError(check.refusal),
            [],
          );
          return;
        }
        // Every address was judged above; only the family the caller asked for is handed back.
        const family = requestedFamily(options);
        const addresses = check.addresses
          .filter((entry) => family === 0 || entry.family === family)
          .map(({ address, family: entryFamily }) => ({ address, family: entryFamily }));
        if (addresses.length === 0) answer(notFound(hostname, undefined), []);
        else answer(null, addresses);
      },
      (error: unknown) => answer(notFound(hostname, error), []),
    );
  };
}

function requestedFamily(options: LookupOptions): number {
  if (options.family === 'IPv4' || options.family === 4) return 4;
  if (options.family === 'IPv6' || options.family === 6) return 6;
  return 0;
}

/** A name that did not resolve stays a plain network error: not reachable, nothing refused. */
function notFound(hostname: string, cause: unknown): NodeJS.ErrnoException {
  if (cause instanceof Error && typeof (cause as NodeJS.ErrnoException).code === 'string') {
    return cause as NodeJS.ErrnoException;
  }
  const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  error.code = 'ENOTFOUND';
  error.syscall = 'getaddrinfo';
  return error;
}
