/**
 * The log of API requests clients made, so tests can count what grading costs. Entries never
 * hold a token, only which identity presented it.
 */

export interface RequestLogEntry {
  /** Order of arrival, from 1. */
  seq: number;
  /** Wall-clock arrival time (ISO 8601). */
  time: string;
  method: string;
  /** URL path without the query string. */
  path: string;
  /** Query parameters as sent (last value wins for repeated keys). */
  query: Record<string, string>;
  /** HTTP status answered; 0 while in flight or when the connection was dropped. */
  status: number;
  /** `admin`, `readOnly`, `anonymous`, or `invalid` for an unknown token. */
  identity: string;
  userAgent: string;
  /** True for a watch (`watch=true` or `watch=1`). */
  watch: boolean;
  /** The fault injected into this request, if any. */
  fault?: string;
  durationMs?: number;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  begin(entry: Omit<RequestLogEntry, 'seq' | 'status'>): RequestLogEntry {
    const full: RequestLogEntry = { seq: ++this.seq, status: 0, ...entry };
    this.entries.push(full);
    return full;
  }

  list(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e, query: { ...e.query } }));
  }

  clear(): void {
    this.entries = [];
  }
}
