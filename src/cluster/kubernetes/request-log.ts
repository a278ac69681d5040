/** One request the grader made to a learner's cluster; no headers, so no credentials. */
export interface ClusterRequestRecord {
  method: string;
  path: string;
  status: number | 'error';
  ms: number;
}

/**
 * Counts and records the Kubernetes API requests of one attempt. The count is part of the
 * attempt's evidence: grading must stay cheap for the learner's API server.
 */
export class ClusterRequestLog {
  readonly records: ClusterRequestRecord[] = [];

  /** `onRecord` sees every request too: the process-wide metrics count them by kind. */
  constructor(private readonly onRecord?: (entry: ClusterRequestRecord) => void) {}

  record(entry: ClusterRequestRecord): void {
    this.records.push(entry);
    this.onRecord?.(entry);
  }

  get count(): number {
    return this.records.length;
  }

  summary(): { count: number; requests: ClusterRequestRecord[] } {
    return { count: this.count, requests: [...this.records] };
  }
}
