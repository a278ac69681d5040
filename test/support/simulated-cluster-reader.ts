import { maxClusterSockets } from '../../src/cluster/outbound/guarded-https-agent.js';
import { Agent } from 'node:https';
import { KubeClusterReader } from '../../src/cluster/kubernetes/kube-cluster-reader.js';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';

/**
 * A grader's reader for a simulated cluster, built the way the worker builds one (vetted agent
 * with the cluster's CA, bearer token header), minus the kubeconfig parsing.
 */
export function readerForSimulatedCluster(
  cluster: SimulatedCluster,
  options: { token?: 'admin' | 'readOnly'; requestTimeoutMs?: number; signal?: AbortSignal } = {},
): { reader: KubeClusterReader; close: () => void } {
  const agent = new Agent({ ca: cluster.caPem, keepAlive: true, maxSockets: maxClusterSockets });
  const reader = new KubeClusterReader(
    {
      server: new URL(cluster.url),
      agent,
      headers: { authorization: `Bearer ${cluster.tokens[options.token ?? 'readOnly']}` },
      requestTimeoutMs: options.requestTimeoutMs ?? 2_000,
    },
    options.signal,
  );
  return { reader, close: () => agent.destroy() };
}
