import type pg from 'pg';
import { z } from 'zod';
import { parseJournalEntries, type JournalEntry } from '../grading/journal/journal-entry.js';

const observationRowSchema = z.object({ entry: z.unknown() });

/**
 * The attempt's observation journal in PostgreSQL: appended as the grader learns things, read
 * back (and parsed, never cast) when a run resumes or a regrade replays it. Straight to the pg
 * pool: these are a grading run's most frequent statements, and Prisma's mapping of them cost
 * more worker CPU than the rest of their work.
 */
export class ObservationStore {
  constructor(private readonly pool: pg.Pool) {}

  async load(attemptId: string): Promise<JournalEntry[]> {
    const { rows } = await this.pool.query(
      'SELECT entry FROM observations WHERE attempt_id = $1::uuid ORDER BY seq',
      [attemptId],
    );
    return parseJournalEntries(
      (rows as unknown[]).map((row) => observationRowSchema.parse(row).entry),
    );
  }

  /** One INSERT for the batch; the entries' order is their seq order. */
  async append(attemptId: string, entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query(
      `INSERT INTO observations (attempt_id, entry)
       SELECT $1::uuid, e.value
         FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e
        ORDER BY e.ordinality`,
      [attemptId, JSON.stringify(entries)],
    );
  }

  /** A writer for one attempt: entries go out in order, a few at a time, as they come. */
  recorder(attemptId: string): JournalRecorder {
    return new JournalRecorder((entries) => this.append(attemptId, entries), {
      gatherMs: RECORDER_GATHER_MS,
    });
  }
}

/**
 * How long the first entry of a batch waits for more before they are written: a read's answer
 * and the watch changes that follow it within a few milliseconds go in one INSERT, not one each.
 */
const RECORDER_GATHER_MS = 25;

/**
 * Writes journal entries in the order they were appended, batching what arrives while a write
 * is in flight or within `gatherMs` of the batch's first entry (a watch burst is one INSERT, not
 * ten). A failed write keeps its entries and is tried again with the next ones; `flush()` writes
 * at once and reports the failure, so a run never parks or saves a grade on evidence that is not
 * stored.
 */
export class JournalRecorder {
  private pending: JournalEntry[] = [];
  private writing: Promise<void> | undefined;
  private failure: unknown;
  private readonly gatherMs: number;
  /** Ends the current batch's gathering wait (flush does not wait for more entries). */
  private hurry: (() => void) | undefined;

  constructor(
    private readonly write: (entries: readonly JournalEntry[]) => Promise<void>,
    options: { gatherMs?: number } = {},
  ) {
    this.gatherMs = options.gatherMs ?? 0;
  }

  readonly append = (entry: JournalEntry): void => {
    this.pending.push(entry);
    this.writing ??= this.drain();
  };

  async flush(): Promise<void> {
    this.hurry?.();
    if (this.pending.length > 0) this.writing ??= this.drain();
    await this.writing;
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
  }

  private async drain(): Promise<void> {
    try {
      if (this.gatherMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.gatherMs);
          this.hurry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.hurry = undefined;
      }
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          await this.write(batch);
        } catch (error) {
          this.pending = [...batch, ...this.pending];
          this.failure = error;
          return;
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
