import type { GradingClock } from '../grading-clock.js';

/**
 * Waits until `changed` resolves or `milliseconds` of grading time pass, whichever is first,
 * without leaving the other timer running. Rejects only when `signal` aborts.
 */
export async function waitForChangeOrTimeout(options: {
  changed: Promise<void>;
  milliseconds: number;
  clock: GradingClock;
  signal: AbortSignal | undefined;
}): Promise<void> {
  const { changed, milliseconds, clock, signal } = options;
  const sleeping = new AbortController();
  const stopSleeping = () => sleeping.abort();
  signal?.addEventListener('abort', stopSleeping, { once: true });
  try {
    await Promise.race([
      changed,
      // Only our own cancellation is swallowed: a clock that cannot wait (a regrade whose record
      // ends here) must end the wait with its error, not spin.
      clock.sleep(Math.max(0, milliseconds), sleeping.signal).catch((error: unknown) => {
        if (!sleeping.signal.aborted) throw error;
      }),
    ]);
  } finally {
    sleeping.abort();
    signal?.removeEventListener('abort', stopSleeping);
  }
  signal?.throwIfAborted();
}
