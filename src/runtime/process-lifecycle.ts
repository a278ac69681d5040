import type { Logger } from '../logging/logger.js';

export interface ProcessLifecycleOptions {
  logger: Logger;
  /** After SIGTERM/SIGINT, the process exits 1 if stopping takes longer than this. */
  timeoutMs: number;
  messages: { stopping: string; stopped: string; timedOut: string };
  /** Ends the process; tests of this module replace it. */
  exit?: (code: number) => void;
}

export interface ProcessLifecycle {
  /** A step of the stop, such as closing the HTTP server; steps run last registered first. */
  onStop(step: () => Promise<void>): void;
  /**
   * Start-up is over (done or failed). A signal that came during start-up waits for this, so
   * that what start-up opened is registered and closed, instead of being cut off half-way.
   */
  startupFinished(): void;
  /** True once a signal was received: a failed start-up is then part of stopping, not a crash. */
  readonly stopping: boolean;
}

/**
 * Installs the SIGTERM and SIGINT handlers of a service process. Call it first, before anything
 * is started or logged as started: a signal that arrives a moment after "started" must be a
 * clean stop (exit 0), never Node's default (killed, exit 143).
 */
export function installProcessLifecycle(options: ProcessLifecycleOptions): ProcessLifecycle {
  const { logger, messages } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const steps: Array<() => Promise<void>> = [];
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  let stopping = false;

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, messages.stopping);
    const forced = setTimeout(() => {
      logger.error({ timeoutMs: options.timeoutMs }, messages.timedOut);
      exit(1);
    }, options.timeoutMs);
    await started;
    let failed = false;
    for (const step of steps.reverse()) {
      try {
        await step();
      } catch (error) {
        failed = true;
        logger.error({ err: error }, 'a step of stopping failed');
      }
    }
    clearTimeout(forced);
    logger.info(messages.stopped);
    exit(failed ? 1 : 0);
  };
  // `on`, not `once`: a second signal while stopping must not kill the process half-way.
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  return {
    onStop: (step) => void steps.push(step),
    startupFinished: () => markStarted(),
    get stopping() {
      return stopping;
    },
  };
}
