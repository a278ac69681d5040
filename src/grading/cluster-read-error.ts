/** Why the grader could not look at the learner's cluster. None of these is the learner's mistake. */
export type ClusterReadFailure =
  'UNAUTHORIZED' | 'FORBIDDEN' | 'TIMEOUT' | 'SERVER_ERROR' | 'UNREACHABLE';

/**
 * Thrown by a ClusterReader when it could not get an answer. The engine turns it into a check
 * outcome of `error` with this reason, so the attempt is retried rather than marked wrong.
 */
export class ClusterReadError extends Error {
  readonly reason: ClusterReadFailure;
  readonly httpStatus: number | undefined;

  constructor(
    reason: ClusterReadFailure,
    message: string,
    options: { httpStatus?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ClusterReadError';
    this.reason = reason;
    this.httpStatus = options.httpStatus;
  }
}
