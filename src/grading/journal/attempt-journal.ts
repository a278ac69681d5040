import type { CallEntry, JournalEntry, WatchEntry } from './journal-entry.js';

/** Receives every entry as it is appended (the worker persists them to PostgreSQL). */
export type JournalSink = (entry: JournalEntry) => void;

/**
 * The entries of one attempt, in the order they were learnt, with indexes for replay. Entries
 * recorded by earlier runs come in at construction; new ones are appended by the run and passed
 * to the sink at once, so they are stored as they happen rather than at the end.
 */
export class AttemptJournal {
  private readonly entries: JournalEntry[] = [];
  private readonly calls = new Map<string, CallEntry>();
  private readonly callCounts = new Map<string, number>();
  private readonly watches = new Map<string, WatchEntry[]>();
  private readonly watchCounts = new Map<string, number>();
  private readonly listeners = new Set<(entry: JournalEntry) => void>();
  private sink: JournalSink | undefined;

  constructor(recorded: readonly JournalEntry[] = [], sink?: JournalSink) {
    for (const entry of recorded) this.index(entry);
    this.sink = sink;
  }

  /** Where new entries go from now on (a run resumed in this process brings its own). */
  setSink(sink: JournalSink | undefined): void {
    this.sink = sink;
  }

  all(): readonly JournalEntry[] {
    return this.entries;
  }

  get size(): number {
    return this.entries.length;
  }

  append(entry: JournalEntry): void {
    this.index(entry);
    this.sink?.(entry);
    for (const listener of [...this.listeners]) listener(entry);
  }

  /** Called after each appended entry until the returned function is called. */
  subscribe(listener: (entry: JournalEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The answer recorded for the n-th read with this key; a later answer replaces an earlier one. */
  call(key: string, n: number): CallEntry | undefined {
    return this.calls.get(`${key}#${n}`);
  }

  /** How many reads (or watches) with this key are recorded: new ones are numbered after them. */
  callCount(key: string): number {
    return this.callCounts.get(key) ?? 0;
  }

  watchCount(key: string): number {
    return this.watchCounts.get(key) ?? 0;
  }

  /**
   * The recorded open, events and close of the n-th watch with this key, in order. A watch
   * whose end was never recorded (its process died, or the run went live and resumed it) but
   * that a later watch of the same key followed ended when that one opened: the observer only
   * opens the next after the last has ended. Its replay must end there too, or the replay
   * would keep waiting on it and never reach what the next one recorded (the deletion).
   */
  watch(key: string, n: number): readonly WatchEntry[] {
    const recorded = this.watches.get(`${key}#${n}`) ?? [];
    if (recorded.length === 0 || recorded.some((entry) => entry.type === 'watch-close')) {
      return recorded;
    }
    const next = this.watches.get(`${key}#${n + 1}`)?.[0];
    if (next === undefined) return recorded;
    const last = recorded[recorded.length - 1]!;
    const at = Date.parse(next.at) > Date.parse(last.at) ? next.at : last.at;
    return [...recorded, { type: 'watch-close', key, n, at }];
  }

  /** The latest time anything was learnt: how far the record reaches. */
  lastAt(): Date | undefined {
    const last = this.entries[this.entries.length - 1];
    return last === undefined ? undefined : new Date(last.at);
  }

  firstAt(): Date | undefined {
    const first = this.entries[0];
    return first === undefined ? undefined : new Date(first.at);
  }

  private index(entry: JournalEntry): void {
    this.entries.push(entry);
    if (entry.type === 'call') {
      this.calls.set(`${entry.key}#${entry.n}`, entry);
      this.callCounts.set(entry.key, Math.max(this.callCount(entry.key), entry.n + 1));
      return;
    }
    if (entry.type === 'gap') return;
    const id = `${entry.key}#${entry.n}`;
    const list = this.watches.get(id) ?? [];
    list.push(entry);
    this.watches.set(id, list);
    this.watchCounts.set(entry.key, Math.max(this.watchCount(entry.key), entry.n + 1));
  }
}
