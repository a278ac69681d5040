import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The Prometheus series of one kubegrade process (API or worker). Each process has its own
 * registry, so tests can run several side by side; series a process never touches stay at zero.
 * Node's default metrics are included: event-loop lag (`nodejs_eventloop_lag_p99_seconds`),
 * heap, CPU, handles.
 */
export interface KubegradeMetrics {
  registry: Registry;
  /** Attempts by what happened to them: `submitted` (API), `graded`, `not_gradable` (worker). */
  attempts: Counter<'status'>;
  /** Grading runs that will be tried again (the learner's cluster did not answer, a timeout). */
  gradingRetries: Counter;
  /** One grading run, from the worker taking the job to the result stored. */
  gradingDuration: Histogram<'status'>;
  /** From the POST that received the attempt to its result stored: what a learner waits. */
  submitToResult: Histogram<'status'>;
  /** Requests to learners' clusters by resource kind and outcome (HTTP status class or error). */
  clusterRequests: Counter<'kind' | 'method' | 'outcome'>;
  clusterRequestErrors: Counter<'kind'>;
}

export function createKubegradeMetrics(options: { role: 'api' | 'worker' }): KubegradeMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ role: options.role });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  return {
    registry,
    attempts: new Counter({
      name: 'kubegrade_attempts_total',
      help: 'Attempts by status: submitted (API), graded and not_gradable (worker).',
      labelNames: ['status'],
      registers: [registry],
    }),
    gradingRetries: new Counter({
      name: 'kubegrade_grading_retries_total',
      help: 'Grading runs that failed and will be tried again.',
      registers: [registry],
    }),
    gradingDuration: new Histogram({
      name: 'kubegrade_grading_duration_seconds',
      help: 'One grading run, from taking the job to storing the result.',
      labelNames: ['status'],
      // Lessons wait on learners (up to minutes), so the buckets reach well past a second.
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900],
      registers: [registry],
    }),
    submitToResult: new Histogram({
      name: 'kubegrade_submit_to_result_seconds',
      help: 'From the attempt being received to its result being stored.',
      labelNames: ['status'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900, 1800],
      registers: [registry],
    }),
    clusterRequests: new Counter({
      name: 'kubegrade_cluster_requests_total',
      help: "Requests to learners' Kubernetes API servers by resource kind, method and outcome.",
      labelNames: ['kind', 'method', 'outcome'],
      registers: [registry],
    }),
    clusterRequestErrors: new Counter({
      name: 'kubegrade_cluster_request_errors_total',
      help: "Requests to learners' clusters that failed: no answer, or a 5xx/401/403/429 status.",
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}
