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

  record(entry: ClusterRequestRecord): void {
    this.records.push(entry);
  }

  get count(): number {
    return this.records.length;
  }

  summary(): { count: number; requests: ClusterRequestRecord[] } {
    return { count: this.count, requests: [...this.records] };
  }
}
