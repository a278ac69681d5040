import type { ClusterAccessRequest } from '../attempts/attempt-request.js';
import { KubeClusterReader } from './kubernetes/kube-cluster-reader.js';
import type { ClusterRequestRecord } from './kubernetes/request-log.js';
import { sanitizeKubeconfig } from './kubeconfig/sanitize-kubeconfig.js';
import type { ClusterTarget } from './kubeconfig/cluster-target.js';
import { assertClusterAddressAllowed } from './outbound/assert-cluster-address-allowed.js';
import { createGuardedHttpsAgent } from './outbound/guarded-https-agent.js';
import type { OutboundPolicy } from './outbound/outbound-policy.js';

export interface LearnerClusterConnection {
  reader: KubeClusterReader;
  /** The namespace to grade in: the attempt's, else the kubeconfig context's, else `default`. */
  namespace: string;
  close: () => void;
}

/**
 * Builds the Kubernetes reader for one attempt: the kubeconfig is sanitised (no plugins, no
 * files, TLS verified), the address passes the outbound guard now and again at every connect,
 * and credentials live only in this attempt's agent and headers.
 */
export async function connectLearnerCluster(options: {
  access: ClusterAccessRequest;
  allowInsecureTls: boolean;
  outbound: OutboundPolicy;
  requestTimeoutMs: number;
  signal?: AbortSignal;
  /** Sees every request to the cluster (method, path, status; never headers). */
  onRequest?: (record: ClusterRequestRecord) => void;
}): Promise<LearnerClusterConnection> {
  const target = vetClusterAccess(options.access, options.allowInsecureTls);
  await assertClusterAddressAllowed(target.server, options.outbound);
  const agent = createGuardedHttpsAgent({ target, policy: options.outbound });
  const reader = new KubeClusterReader(
    {
      server: target.server,
      agent,
      headers: authorizationHeaders(target),
      requestTimeoutMs: options.requestTimeoutMs,
    },
    options.signal,
    options.onRequest,
  );
  return {
    reader,
    namespace: options.access.namespace ?? target.namespace ?? 'default',
    close: () => agent.destroy(),
  };
}

/**
 * The submit-time checks: a hostile kubeconfig or a refused address is rejected before anything
 * is stored. The worker checks again, at every connect, because DNS can change in between.
 */
export async function vetLearnerClusterAccess(options: {
  access: ClusterAccessRequest;
  allowInsecureTls: boolean;
  outbound: OutboundPolicy;
}): Promise<void> {
  const target = vetClusterAccess(options.access, options.allowInsecureTls);
  await assertClusterAddressAllowed(target.server, options.outbound);
}

/** Sanitises the kubeconfig into a target; throws KUBECONFIG_REJECTED with the reason. */
export function vetClusterAccess(
  access: ClusterAccessRequest,
  allowInsecureTls: boolean,
): ClusterTarget {
  return sanitizeKubeconfig({
    kubeconfig: access.kubeconfig,
    ...(access.context ? { context: access.context } : {}),
    allowInsecureTls,
  });
}

function authorizationHeaders(target: ClusterTarget): Record<string, string> {
  const credentials = target.credentials;
  switch (credentials.kind) {
    case 'token':
      return { authorization: `Bearer ${credentials.token}` };
    case 'basic':
      return {
        authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`,
      };
    case 'client-certificate':
    case 'none':
      // Client certificates travel in the TLS handshake (the agent), not in headers.
      return {};
  }
}
