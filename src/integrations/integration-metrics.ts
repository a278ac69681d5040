import { EventEmitter } from 'node:events';

/**
 * What integrations report for metrics, without depending on a metrics library: a metrics
 * module subscribes (`integrationMetrics.on('try', ...)`) and counts. One emitter per process.
 */
export interface IntegrationTryEvent {
  channel: 'webhook' | 'lti';
  outcome: 'succeeded' | 'failed' | 'gave_up' | 'superseded';
  statusCode: number | null;
  durationMs: number;
}

class IntegrationMetrics extends EventEmitter<{ try: [IntegrationTryEvent] }> {
  recordTry(event: IntegrationTryEvent): void {
    this.emit('try', event);
  }
}

export const integrationMetrics = new IntegrationMetrics();
