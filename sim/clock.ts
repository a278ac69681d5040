/**
 * Virtual time for the simulated cluster.
 *
 * Simulated time runs `speed` times faster than wall time (speed 0 freezes it so that only
 * `advance` moves it), and `advance(ms)` jumps forward, firing due timers in order. Every
 * delay inside the cluster (image pulls, back-offs, grace periods) is a clock timer, so a test
 * can run the lesson's minutes in milliseconds and still see states in their real order.
 */

interface ClockTimer {
  id: number;
  dueMs: number;
  run: () => void;
}

export interface ClockOptions {
  /** Simulated milliseconds per wall-clock millisecond. 0 = time moves only through `advance`. */
  speed: number;
  /** Simulated time at start; defaults to the wall clock. */
  start?: Date;
}

export class SimClock {
  readonly speed: number;
  private readonly wallBase = Date.now();
  private readonly simBase: number;
  private offsetMs = 0;
  private timers: ClockTimer[] = [];
  private nextId = 1;
  private armed: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Called after each fired timer (lets the cluster flush controller work between steps). */
  private readonly settle: () => Promise<void>;

  constructor(options: ClockOptions, settle: () => Promise<void> = () => Promise.resolve()) {
    if (!Number.isFinite(options.speed) || options.speed < 0) {
      throw new Error(`clock speed must be a finite number >= 0, got ${options.speed}`);
    }
    this.speed = options.speed;
    this.simBase = (options.start ?? new Date()).getTime();
    this.settle = settle;
  }

  /** Current simulated time in epoch milliseconds. */
  nowMs(): number {
    return this.simBase + this.offsetMs + (Date.now() - this.wallBase) * this.speed;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** Runs `run` after `delayMs` of simulated time. Returns an id for `clearTimeout`. */
  setTimeout(run: () => void, delayMs: number): number {
    const timer: ClockTimer = {
      id: this.nextId++,
      dueMs: this.nowMs() + Math.max(0, delayMs),
      run,
    };
    const at = this.timers.findIndex((t) => t.dueMs > timer.dueMs);
    if (at === -1) this.timers.push(timer);
    else this.timers.splice(at, 0, timer);
    this.arm();
    return timer.id;
  }

  clearTimeout(id: number | undefined): void {
    if (id === undefined) return;
    this.timers = this.timers.filter((t) => t.id !== id);
    this.arm();
  }

  /** Moves simulated time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`advance needs ms >= 0, got ${ms}`);
    const target = this.nowMs() + ms;
    for (;;) {
      const next = this.timers[0];
      if (!next || next.dueMs > target) break;
      if (next.dueMs > this.nowMs()) this.offsetMs += next.dueMs - this.nowMs();
      this.timers.shift();
      next.run();
      await this.settle();
    }
    if (target > this.nowMs()) this.offsetMs += target - this.nowMs();
    this.arm();
    await this.settle();
  }

  stop(): void {
    this.stopped = true;
    this.timers = [];
    if (this.armed) clearTimeout(this.armed);
    this.armed = undefined;
  }

  private arm(): void {
    if (this.armed) clearTimeout(this.armed);
    this.armed = undefined;
    const next = this.timers[0];
    if (this.stopped || !next || this.speed === 0) return;
    const wallDelay = Math.max(0, (next.dueMs - this.nowMs()) / this.speed);
    // Node clamps delays above 2^31-1 ms; re-arming on wake-up handles very long timers.
    this.armed = setTimeout(() => this.fireDue(), Math.min(wallDelay, 2 ** 31 - 1));
    this.armed.unref();
  }

  private fireDue(): void {
    this.armed = undefined;
    const now = this.nowMs();
    while (this.timers[0] && this.timers[0].dueMs <= now) {
      const timer = this.timers.shift();
      timer?.run();
    }
    this.arm();
  }
}

/** RFC 3339 with second precision, as the API server writes metav1.Time. */
export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 3339 with microsecond precision, as the API server writes metav1.MicroTime. */
export function formatMicroTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
