import { ApiException } from '@kubernetes/client-node';
import { ClusterReadError } from '../../grading/cluster-read-error.js';
import { ClusterRequestTimeoutError } from './guarded-http-library.js';

/**
 * Turns whatever a Kubernetes request failed with into the grader's vocabulary. Only a 404 is
 * an answer ("not there"), and callers handle it before this; everything else means the
 * grader could not look, which must never be scored as the learner's mistake.
 */
export function toClusterReadError(error: unknown, what: string): ClusterReadError {
  if (error instanceof ClusterReadError) return error;
  if (error instanceof ApiException) {
    const status = error.code;
    if (status === 401) {
      return new ClusterReadError(
        'UNAUTHORIZED',
        `The cluster refused the grader's credentials (401) when reading ${what}.`,
        { httpStatus: status },
      );
    }
    if (status === 403) {
      return new ClusterReadError(
        'FORBIDDEN',
        `The grader is not allowed to read ${what} (403); check the grader's Role.`,
        { httpStatus: status },
      );
    }
    if (status >= 300 && status < 400) {
      return new ClusterReadError(
        'UNREACHABLE',
        `The cluster answered ${what} with a redirect (${status}), which the grader does not follow.`,
        { httpStatus: status },
      );
    }
    if (status === 408 || status === 504) {
      return new ClusterReadError('TIMEOUT', `The cluster timed out reading ${what} (${status}).`, {
        httpStatus: status,
      });
    }
    const retryAfterMs = readRetryAfter(error.headers);
    return new ClusterReadError(
      'SERVER_ERROR',
      `The cluster answered ${status} when reading ${what}.`,
      { httpStatus: status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    );
  }
  if (error instanceof ClusterRequestTimeoutError) {
    return new ClusterReadError(
      'TIMEOUT',
      `The cluster did not answer in time when reading ${what}.`,
      { cause: error },
    );
  }
  const code = (error as { code?: unknown }).code;
  if (code === 'ECLUSTERADDRESSREFUSED') {
    return new ClusterReadError(
      'UNREACHABLE',
      `The cluster's address is not one the grader may reach.`,
      { cause: error },
    );
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new ClusterReadError('TIMEOUT', `Grading ran out of time while reading ${what}.`, {
      cause: error,
    });
  }
  return new ClusterReadError(
    'UNREACHABLE',
    `The cluster could not be reached when reading ${what}${typeof code === 'string' ? ` (${code})` : ''}.`,
    { cause: error },
  );
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

/** Retry-After in seconds (the form kube-apiserver sends), capped so a hostile value cannot stall. */
function readRetryAfter(headers: Record<string, string> | undefined): number | undefined {
  const raw = headers?.['retry-after'] ?? headers?.['Retry-After'];
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.min(seconds, 30) * 1000;
}
