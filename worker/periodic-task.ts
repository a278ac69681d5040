/** A task the worker runs now and then on a timer. */
export interface PeriodicTask {
  /** Starts a run now, or joins the one in progress. */
  runNow: () => Promise<void>;
  /** Cancels the timer and waits for a run in progress, so what it uses can be closed after. */
  stop: () => Promise<void>;
}

/**
 * Runs `task` now and then every `intervalMs`, one run at a time: a tick that comes while a run
 * is in progress is skipped. A failed run goes to `onError` and the next tick tries again. The
 * timer alone does not keep a process alive that is otherwise done.
 */
export function startPeriodicTask(options: {
  task: () => Promise<unknown>;
  intervalMs: number;
  onError: (error: unknown) => void;
}): PeriodicTask {
  let running: Promise<void> | undefined;
  const runNow = (): Promise<void> => {
    running ??= options
      .task()
      .then(() => undefined, options.onError)
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  void runNow();
  const timer = setInterval(() => void runNow(), options.intervalMs);
  timer.unref();
  return {
    runNow,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
