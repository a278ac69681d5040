/**
 * Time as the grader sees it. Cluster checks wait and poll ("Running within 60 s", "not
 * recreated for 30 s"); tests pass a clock they control instead of really waiting.
 */
export interface GradingClock {
  now(): Date;
  /** Resolves after `milliseconds`, or rejects with the signal's reason when it aborts first. */
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: GradingClock = {
  now: () => new Date(),
  sleep: (milliseconds, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, milliseconds);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * A clock that runs `factor` times faster than real time: `sleep(30_000)` takes 30 s / factor and
 * `now()` advances `factor` ms per real ms. Rubric timeouts stay in (simulated) seconds while a
 * sped-up simulated cluster plays the lesson's minutes in moments (tests, demos with
 * GRADING_TIME_SCALE). With factor 1 it behaves like the system clock. Time runs from `origin`
 * onwards: before it, `now()` would run backwards, so origins lie in the past.
 */
export function createScaledClock(factor: number, origin: Date = new Date()): GradingClock {
  if (!Number.isFinite(factor) || factor <= 0) {
    throw new RangeError(`A clock scale must be a positive number, got ${factor}`);
  }
  if (factor === 1) return systemClock;
  // Anchored at `origin` (an attempt's receipt): every process grading that attempt agrees.
  const realStart = origin.getTime();
  return {
    now: () => new Date(realStart + (Date.now() - realStart) * factor),
    sleep: (milliseconds, signal) => systemClock.sleep(milliseconds / factor, signal),
  };
}
