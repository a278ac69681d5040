import { z } from 'zod';
import { podReference, seconds } from '../../assessments/format/cluster-check-fields.js';
import { nonEmptyText } from '../../assessments/format/identifiers.js';
import { regularExpressionSource } from '../../assessments/format/regular-expression.js';
import { readPodFacts, type PodFacts } from '../kubernetes/pod-facts.js';
import { defineClusterCheckKind } from './check-kind.js';
import { describeMissingPod, diagnoseFollowedPod, followPod } from './followed-pod.js';

/** First re-read of a log that does not match yet; doubles each time (logs are not watched). */
const firstRereadMs = 2_000;

/** The container's log contains every pattern (regular expressions), or any with `match: any`. */
export const logsContainCheckKind = defineClusterCheckKind({
  kind: 'logs-contain',
  failureModes: ['object-absent', 'log-missing'],
  fields: {
    pod: podReference,
    container: nonEmptyText.optional(),
    patterns: z.array(regularExpressionSource).min(1),
    match: z.enum(['all', 'any']).default('all'),
    timeoutSeconds: seconds.default(30),
  },
  longestWaitSeconds: (check) => check.timeoutSeconds,
  run: async (check, context) => {
    const observer = await followPod(check.pod, context);
    const deadline = new Date(context.clock.now().getTime() + check.timeoutSeconds * 1000);
    const patterns = check.patterns.map((source) => new RegExp(source, 'mu'));
    const containerOf = (pod: PodFacts) => check.container ?? pod.containers[0]?.name;
    const started = await observer.waitFor(
      () => {
        const current = observer.current();
        const pod = current === undefined ? undefined : readPodFacts(current);
        const container = pod === undefined ? undefined : containerOf(pod);
        if (pod === undefined) return undefined;
        // A Pod without that container will never have its log: stop waiting and say so.
        if (!pod.containers.some((item) => item.name === container)) return pod;
        const status = pod.containerStatuses.find((item) => item.name === container);
        return status !== undefined && (status.running || status.terminatedReason !== undefined)
          ? pod
          : undefined;
      },
      deadline,
      context.signal,
    );
    if (started === undefined) {
      const current = observer.current();
      if (current === undefined) {
        return {
          outcome: 'failed',
          failureMode: 'object-absent',
          explanation: `${describeMissingPod(observer)}, so it has no log to read`,
        };
      }
      const pod = readPodFacts(current);
      return {
        outcome: 'failed',
        failureMode: 'log-missing',
        explanation: `container ${containerOf(pod) ?? ''} never started within ${check.timeoutSeconds} s, so it wrote no log: ${await diagnoseFollowedPod(observer, pod, context)}`,
      };
    }

    const container = containerOf(started) ?? '';
    if (!started.containers.some((item) => item.name === container)) {
      return {
        outcome: 'failed',
        failureMode: 'log-missing',
        explanation: `Pod ${observer.name} has no container named ${container} (it has ${started.containers.map((item) => item.name).join(', ')})`,
      };
    }
    let pause = firstRereadMs;
    for (;;) {
      const log = await context.observations.podLog(observer.namespace, observer.name, container);
      if (log === undefined) {
        return {
          outcome: 'failed',
          failureMode: 'object-absent',
          explanation: `Pod ${observer.name} was deleted before the grader could read its log; submit while the Pod runs`,
        };
      }
      const matched = patterns.map((pattern) => pattern.exec(log)?.[0]);
      const found = matched.filter((line): line is string => line !== undefined);
      const enough = check.match === 'all' ? found.length === patterns.length : found.length > 0;
      if (enough) {
        return {
          outcome: 'passed',
          explanation: `the log of container ${container} has "${found[0] ?? ''}"`,
          details: { container, matched: found },
        };
      }
      const remaining = deadline.getTime() - context.clock.now().getTime();
      if (remaining <= 0) {
        const missing = check.patterns.filter((_, index) => matched[index] === undefined);
        return {
          outcome: 'failed',
          failureMode: 'log-missing',
          explanation: `the log of container ${container} has no line matching ${missing.map((source) => `/${source}/`).join(', ')} after ${check.timeoutSeconds} s; ${describeLogEnd(log)}`,
          details: { container, missing },
        };
      }
      await context.clock.sleep(Math.min(pause, remaining), context.signal);
      pause *= 2;
    }
  },
});
export type LogsContainCheck = z.output<typeof logsContainCheckKind.schema>;

function describeLogEnd(log: string): string {
  const lines = log.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) return 'the log is empty';
  const last = lines
    .slice(-3)
    .map((line) => (line.length > 120 ? `${line.slice(0, 117)}...` : line));
  return `it has ${lines.length} line${lines.length === 1 ? '' : 's'}, ending with: ${last.map((line) => `"${line}"`).join(' ')}`;
}
