import {
  releaseHeldCluster,
  type HeldCluster,
  type WaitingRoom,
} from '../src/attempts/held-cluster.js';
import type { Logger } from '../src/logging/logger.js';

/** Tries to move a woken attempt's job forward, spaced 250 ms, 500 ms, 1 s... apart. */
const maxWakeTries = 6;
const wakeRetryMs = 250;

interface Parked {
  held: HeldCluster;
  stopListening: () => void;
  timer: NodeJS.Timeout;
  woken: boolean;
}

/**
 * The worker's waiting room: attempts whose grading waits on the learner (or on a stability
 * window) sit here as a delayed job plus an open watch, not as a running job in a worker slot.
 * The first change the watch brings wakes the job (`wake` promotes it), so a learner's deletion
 * is judged at once; the delayed job wakes by itself at the end of the wait, and if this process
 * dies, any worker resumes the attempt from the journal in PostgreSQL.
 */
export class ParkedAttempts implements WaitingRoom {
  private readonly parked = new Map<string, Parked>();

  constructor(
    private readonly options: {
      wake: (attemptId: string) => Promise<void>;
      logger: Logger;
      /** How long past its wait a held view is kept for a resume in this process. */
      graceMs: number;
    },
  ) {}

  get size(): number {
    return this.parked.size;
  }

  /**
   * Holds a parked attempt's live view. `journalSizeAtPark` catches changes that came between
   * the park and now (the job was being delayed meanwhile): they wake it at once.
   */
  hold(attemptId: string, held: HeldCluster, delayMs: number, journalSizeAtPark: number): void {
    void this.release(attemptId);
    const entry: Parked = {
      held,
      woken: false,
      stopListening: held.journal.subscribe((item) => {
        if (item.type === 'watch-event' || item.type === 'watch-close') this.wake(attemptId);
      }),
      timer: setTimeout(() => void this.release(attemptId), delayMs + this.options.graceMs),
    };
    entry.timer.unref();
    this.parked.set(attemptId, entry);
    if (held.journal.size > journalSizeAtPark) this.wake(attemptId);
  }

  take(attemptId: string): HeldCluster | undefined {
    const entry = this.parked.get(attemptId);
    if (entry === undefined) return undefined;
    this.forget(attemptId, entry);
    return entry.held;
  }

  /** Ends every held view (the worker is stopping; the delayed jobs stay in Redis). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.parked.keys()].map((attemptId) => this.release(attemptId)));
  }

  private wake(attemptId: string, tries = 0): void {
    const entry = this.parked.get(attemptId);
    if (entry === undefined || entry.woken) return;
    entry.woken = true;
    this.options.wake(attemptId).catch((error: unknown) => {
      this.options.logger.warn({ err: error, attemptId, tries }, 'could not wake a parked attempt');
      // Promoting can fail for a moment (Redis busy or away, the job still moving): try again
      // while the attempt still waits here, else the learner waits for the end of the wait.
      if (this.parked.get(attemptId) !== entry || tries + 1 >= maxWakeTries) return;
      entry.woken = false;
      setTimeout(() => this.wake(attemptId, tries + 1), wakeRetryMs * 2 ** tries).unref();
    });
  }

  private async release(attemptId: string): Promise<void> {
    const entry = this.parked.get(attemptId);
    if (entry === undefined) return;
    this.forget(attemptId, entry);
    await releaseHeldCluster(entry.held).catch((error: unknown) =>
      this.options.logger.warn({ err: error, attemptId }, 'could not close a parked attempt'),
    );
  }

  private forget(attemptId: string, entry: Parked): void {
    clearTimeout(entry.timer);
    entry.stopListening();
    this.parked.delete(attemptId);
  }
}
