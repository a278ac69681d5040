import type { Agent } from 'node:https';

/**
 * Everything needed to talk to one learner's cluster, already vetted: the server URL passed the
 * outbound guard, the agent carries the verified TLS settings (and re-checks addresses at
 * connect time), and the headers carry the credentials. Nothing here reads files or runs plugins.
 */
export interface ClusterConnection {
  server: URL;
  agent: Agent;
  /** Credentials as request headers (Authorization); never logged. */
  headers: Record<string, string>;
  /** Per-request time limit. */
  requestTimeoutMs: number;
}
