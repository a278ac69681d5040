/**
 * A reason an attempt can never be graded, however often it is tried: its kubeconfig is refused,
 * its credentials were sealed with a key this service no longer has, its rubric version is gone.
 * The worker ends such a job at once and keeps the stable code on the attempt.
 */
export class PermanentGradingFailure extends Error {
  constructor(
    readonly code:
      | 'KUBECONFIG_REJECTED'
      | 'CLUSTER_ADDRESS_REFUSED'
      | 'CLUSTER_SECRET_UNREADABLE'
      | 'RUBRIC_VERSION_MISSING',
    message: string,
  ) {
    super(message);
    this.name = 'PermanentGradingFailure';
  }
}
