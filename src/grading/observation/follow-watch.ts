import { ClusterReadError } from '../cluster-read-error.js';

/** Watches in a row that end before delivering anything, before the cluster is given up on. */
const maxWatchRestarts = 5;

/**
 * The loop every observer follows the cluster with: a watch, resumed whenever the server ends
 * it (a timeout, a fault that may pass), with a fresh look in between so that nothing that
 * changed while no watch was open goes unseen. A server that keeps ending watches at once is
 * "could not look" (UNREACHABLE), never a verdict; so is any fault that will not pass.
 */
export async function followWatch(options: {
  /** Ends the loop (the run is over). */
  signal: AbortSignal;
  /** What is followed, for the error ("Pods", "ReplicaSets"). */
  what: string;
  /** Opens one watch and resolves when it ends; calls `delivered` on each change it brings. */
  watch: (delivered: () => void) => Promise<void>;
  /** Looks afresh once a watch has ended; told whether that watch delivered anything. */
  resync: (delivered: boolean) => Promise<void>;
  /** Whether a watch is open now (a run parks only with one open). */
  onWatching?: (open: boolean) => void;
  fail: (error: unknown) => void;
}): Promise<void> {
  const { signal, what, watch, resync, onWatching, fail } = options;
  let restarts = 0;
  while (!signal.aborted) {
    let delivered = false;
    try {
      onWatching?.(true);
      await watch(() => (delivered = true));
    } catch (error) {
      // A fault that may pass (a dropped connection, a 5xx) ends this watch like a server
      // timeout would: look again and resume from where it was.
      if (!(error instanceof ClusterReadError) || !error.mayPass) {
        fail(error);
        return;
      }
    } finally {
      onWatching?.(false);
    }
    if (signal.aborted) return;
    restarts = delivered ? 0 : restarts + 1;
    if (restarts > maxWatchRestarts) {
      fail(
        new ClusterReadError(
          'UNREACHABLE',
          `The cluster kept ending the watch on ${what} at once.`,
        ),
      );
      return;
    }
    try {
      await resync(delivered);
    } catch (error) {
      fail(error);
      return;
    }
  }
}
