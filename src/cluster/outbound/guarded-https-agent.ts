import type { Duplex } from 'node:stream';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { observableKinds } from '../../grading/kubernetes/observable-kinds.js';
import type { ClusterTarget } from '../kubeconfig/cluster-target.js';
import { ClusterAddressRefusedError, type AddressRefusal } from './address-refusal.js';
import { systemResolver, type HostResolver } from './check-cluster-host.js';
import { createGuardedLookup } from './create-guarded-lookup.js';
import { secureContextFor } from './shared-secure-context.js';
import { judgeAddressWithPolicy } from './judge-address.js';
import {
  compileOutboundPolicy,
  normalizeHostName,
  type CompiledOutboundPolicy,
  type OutboundPolicy,
} from './outbound-policy.js';

export interface GuardedHttpsAgentOptions {
  target: ClusterTarget;
  policy: OutboundPolicy;
  resolver?: HostResolver;
}

/**
 * Connections one attempt may hold to a learner's cluster, which bounds what a learner costs.
 * A watch holds its connection for the whole run, so the watches get their own share: one per
 * observable kind (each is watched once per attempt), two for Pods followed by name, and four
 * for the reads beside them. With fewer, a rubric that watches most kinds would leave its reads
 * queued behind watches that only end with the run.
 */
export const maxClusterSockets = observableKinds.length + 2 + 4;
const maxSockets = maxClusterSockets;

/**
 * The one way kubegrade opens connections to a learner's cluster. Every new socket:
 * - goes to the target's own host and port and nowhere else (a redirect cannot move it),
 * - is judged at connect time: names through the guarded lookup (DNS rebinding), IP literals
 *   here, since Node does not call `lookup` for them,
 * - verifies TLS against the kubeconfig's CA (or the system's roots when it gives none), unless
 *   the target was explicitly allowed to skip verification.
 * Refusals surface as a socket error with code `ECLUSTERADDRESSREFUSED`.
 */
export function createGuardedHttpsAgent(options: GuardedHttpsAgentOptions): https.Agent {
  const { target, policy, resolver = systemResolver } = options;
  const lookup = createGuardedLookup(policy, resolver);
  const host = normalizeHostName(target.server.hostname);
  const credentials = target.credentials;

  return new GuardedHttpsAgent(
    {
      host,
      port: Number(target.server.port || 443),
      policy: compileOutboundPolicy(policy),
      lookup,
    },
    {
      keepAlive: true,
      maxSockets,
      maxTotalSockets: maxSockets,
      maxFreeSockets: maxSockets,
      lookup,
      rejectUnauthorized: !target.insecureSkipTlsVerify,
      // Fixed here so no request header can choose the name the certificate is checked against.
      // Empty for an IP host: no SNI, and the certificate is checked against the IP.
      servername: target.tlsServerName ?? (isIP(host) === 0 ? host : ''),
      // The CA (or the system's roots), TLS 1.2 at least, and a client certificate if any: one
      // context for every connection of this agent, shared with other agents trusting that CA.
      secureContext: secureContextFor({
        caPem: target.caPem,
        client:
          credentials.kind === 'client-certificate'
            ? { certPem: credentials.certPem, keyPem: credentials.keyPem }
            : undefined,
      }),
    },
  );
}

interface ConnectionGuard {
  host: string;
  port: number;
  policy: CompiledOutboundPolicy;
  lookup: LookupFunction;
}

class GuardedHttpsAgent extends https.Agent {
  constructor(
    private readonly guard: ConnectionGuard,
    agentOptions: https.AgentOptions,
  ) {
    super(agentOptions);
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const refusal = this.refusalFor(options);
    if (refusal !== undefined) {
      const error = new ClusterAddressRefusedError(refusal);
      // The agent reports a callback error on the request ('error' event), like a failed connect.
      if (callback) {
        // Node's agent reads only the error when there is one; there is no stream to pass.
        (callback as (error: Error) => void)(error);
        return undefined;
      }
      throw error;
    }
    return super.createConnection({ ...options, lookup: this.guard.lookup }, callback);
  }

  private refusalFor(options: https.RequestOptions): AddressRefusal | undefined {
    const host = normalizeHostName(options.host || 'localhost');
    if (options.socketPath || (options as { path?: unknown }).path) {
      return { reason: 'UNIX_SOCKET', host };
    }
    if (host !== this.guard.host || Number(options.port || 443) !== this.guard.port) {
      return { reason: 'NOT_TARGET_HOST', host };
    }
    if (isIP(host) !== 0) {
      const reason = judgeAddressWithPolicy(host, this.guard.policy);
      if (reason !== undefined) return { reason, host, address: host };
    }
    return undefined;
  }
}
