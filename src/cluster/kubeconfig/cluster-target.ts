/**
 * How to reach one learner cluster, taken from a sanitised kubeconfig: one server, inline TLS
 * material and at most one kind of credential. Holds secrets: never log it; log
 * `describeClusterTarget(target)` instead.
 */
export interface ClusterTarget {
  /** The kubeconfig context this target was taken from. */
  contextName: string;
  /** Always `https:`, without userinfo, query or fragment. A path prefix is kept. */
  server: URL;
  /** The context's namespace, when it names one. */
  namespace?: string;
  /** PEM certificates to trust instead of the system's roots. */
  caPem?: string;
  /** Name to verify the server certificate against (and send as SNI) instead of the host. */
  tlsServerName?: string;
  /** True only when the kubeconfig asked for it and the assessment allows it. */
  insecureSkipTlsVerify: boolean;
  credentials: ClusterCredentials;
}

export type ClusterCredentials =
  | { kind: 'token'; token: string }
  | { kind: 'client-certificate'; certPem: string; keyPem: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'none' };

/** What may be logged about a target: no credentials, no certificates, the origin only. */
export interface ClusterTargetSummary {
  contextName: string;
  server: string;
  namespace: string | undefined;
  credentials: ClusterCredentials['kind'];
  insecureSkipTlsVerify: boolean;
}

export function describeClusterTarget(target: ClusterTarget): ClusterTargetSummary {
  return {
    contextName: target.contextName,
    server: target.server.origin,
    namespace: target.namespace,
    credentials: target.credentials.kind,
    insecureSkipTlsVerify: target.insecureSkipTlsVerify,
  };
}
