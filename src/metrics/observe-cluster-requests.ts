import type { ClusterRequestRecord } from '../cluster/kubernetes/request-log.js';
import type { KubegradeMetrics } from './kubegrade-metrics.js';

/**
 * Turns the grader's per-attempt request log into counters. The kind is read from the request
 * path the grader built itself (`/api/v1/namespaces/x/pods/y/log` → `pods/log`, a watch →
 * `pods/watch`), so label values stay a small fixed set whatever the learner's cluster does.
 */
export function observeClusterRequest(
  metrics: Pick<KubegradeMetrics, 'clusterRequests' | 'clusterRequestErrors'>,
  record: ClusterRequestRecord,
): void {
  const kind = requestKind(record.path, record.method);
  const outcome = record.status === 'error' ? 'error' : `${Math.floor(record.status / 100)}xx`;
  const method = record.method === 'WATCH' ? 'GET' : record.method.toUpperCase();
  metrics.clusterRequests.inc({ kind, method, outcome });
  if (isError(record.status)) metrics.clusterRequestErrors.inc({ kind });
}

/** Not a learner's mistake: the grader could not look (404 is an answer, not an error). */
function isError(status: ClusterRequestRecord['status']): boolean {
  return status === 'error' || status >= 500 || [401, 403, 429].includes(status);
}

const knownKind = /^[a-z][a-z0-9-]{0,40}(\/[a-z]{1,20})?$/;

export function requestKind(path: string, method = 'GET'): string {
  const [pathname = '', query = ''] = path.split('?');
  const segments = pathname.split('/').filter(Boolean);
  // /api/v1/... or /apis/<group>/<version>/...
  const start = segments[0] === 'api' ? 2 : segments[0] === 'apis' ? 3 : -1;
  if (start < 0) return 'other';
  let rest = segments.slice(start);
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const [resource, , subresource] = rest;
  if (resource === undefined) return 'other';
  const watching = method === 'WATCH' || /(^|&)watch=(true|1)(&|$)/.test(query);
  const kind = subresource
    ? `${resource}/${subresource}`
    : watching
      ? `${resource}/watch`
      : resource;
  return knownKind.test(kind) ? kind : 'other';
}
