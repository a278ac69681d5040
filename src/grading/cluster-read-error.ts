/** Why the grader could not look at the learner's cluster. None of these is the learner's mistake. */
export type ClusterReadFailure =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'TIMEOUT'
  | 'SERVER_ERROR'
  | 'UNREACHABLE'
  /** A regrade needed something the grader never observed (it reads recorded evidence only). */
  | 'NOT_RECORDED'
  /** The grader could not look while it mattered, and what it wanted to see is gone now. */
  | 'GAP_NOT_RECOVERED';

/**
 * Thrown by a ClusterReader when it could not get an answer. The engine turns it into a check
 * outcome of `error` with this reason, so the attempt is retried rather than marked wrong.
 */
export class ClusterReadError extends Error {
  readonly reason: ClusterReadFailure;
  readonly httpStatus: number | undefined;
  /** How long the server asked the grader to wait before asking again (429 Retry-After). */
  readonly retryAfterMs: number | undefined;

  constructor(
    reason: ClusterReadFailure,
    message: string,
    options: { httpStatus?: number; cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ClusterReadError';
    this.reason = reason;
    this.httpStatus = options.httpStatus;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Faults that may pass if the same read is made again shortly (not 401/403). */
  get mayPass(): boolean {
    return (
      this.reason === 'SERVER_ERROR' || this.reason === 'TIMEOUT' || this.reason === 'UNREACHABLE'
    );
  }
}
