import { z } from 'zod';
import {
  podSetReference,
  podReference,
  seconds,
  type ObjectSetReference,
} from '../../assessments/format/cluster-check-fields.js';
import type { CheckVerdict } from './check-verdict.js';
import type { ClusterCheckContext } from './cluster-check-unavailable.js';
import { describeMembers, kindsOfObjectSet, observeObjectSet } from './object-set.js';
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
    /** One Pod by name, followed by the run's watch on it. */
    pod: podReference.optional(),
    /** Or the Pods of a set (by label selector or owner): any of them may show the patterns. */
    pods: podSetReference.optional(),
    container: nonEmptyText.optional(),
    patterns: z.array(regularExpressionSource).min(1),
    match: z.enum(['all', 'any']).default('all'),
    timeoutSeconds: seconds.default(30),
  },
  refine: (object) =>
    object.refine((check) => (check.pod === undefined) !== (check.pods === undefined), {
      message: 'Give either pod (one Pod by name) or pods (a set of Pods)',
    }),
  longestWaitSeconds: (check) => check.timeoutSeconds,
  observes: (check) =>
    check.pods === undefined ? [] : kindsOfObjectSet({ ...check.pods, kind: 'Pod' }),
  run: async (check, context) => {
    if (check.pod === undefined) {
      return runOnPodSet({ ...check, pods: check.pods ?? { kind: 'Pod' } }, context);
    }
    const observer = await followPod(check.pod, context);
    const deadline = new Date(context.clock.now().getTime() + check.timeoutSeconds * 1000);
    const patterns = check.patterns.map((source) => new RegExp(source, 'mu'));
    const containerOf = (pod: PodFacts) => check.container ?? pod.containers[0]?.name;
    const started = await observer.waitFor(
      () => {
        // The Pod as recorded when a late look finds it deleted: its recorded log still counts.
        const current = observer.currentOrRecorded();
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

/**
 * The set form: waits for a Pod of the set whose container has started, reads its log (then
 * the others', up to a few) and passes when one log shows the patterns.
 */
async function runOnPodSet(
  check: {
    pods: ObjectSetReference;
    container?: string | undefined;
    patterns: string[];
    match: 'all' | 'any';
    timeoutSeconds: number;
  },
  context: ClusterCheckContext,
): Promise<CheckVerdict<'object-absent' | 'log-missing'>> {
  const set = await observeObjectSet({ ...check.pods, kind: 'Pod' }, context);
  const deadline = new Date(context.clock.now().getTime() + check.timeoutSeconds * 1000);
  const patterns = check.patterns.map((source) => new RegExp(source, 'mu'));
  const started = () => {
    const ready = set.members().filter((object) => {
      const pod = readPodFacts(object);
      const container = check.container ?? pod.containers[0]?.name;
      const status = pod.containerStatuses.find((item) => item.name === container);
      return status !== undefined && (status.running || status.terminatedReason !== undefined);
    });
    return ready.length > 0 ? ready : undefined;
  };
  let pause = firstRereadMs;
  for (;;) {
    const pods = await context.observations.waitForObjects(started, deadline);
    if (pods === undefined) {
      const members = set.members();
      return {
        outcome: 'failed',
        failureMode: members.length === 0 ? 'object-absent' : 'log-missing',
        explanation: `after ${check.timeoutSeconds} s, no container of the ${set.describe()} had started (found ${describeMembers('Pod', members)}), so there is no log to read`,
      };
    }
    for (const object of pods.slice(0, 3)) {
      const pod = readPodFacts(object);
      const container = check.container ?? pod.containers[0]?.name ?? '';
      const log = await context.observations.podLog(set.namespace, pod.name ?? '', container);
      if (log === undefined) continue;
      const found = patterns
        .map((pattern) => pattern.exec(log)?.[0])
        .filter((line) => line !== undefined);
      const enough = check.match === 'all' ? found.length === patterns.length : found.length > 0;
      if (enough) {
        return {
          outcome: 'passed',
          explanation: `the log of container ${container} of Pod ${pod.name ?? ''} has "${found[0] ?? ''}"`,
          details: { pod: pod.name ?? null, container, matched: found },
        };
      }
    }
    const remaining = deadline.getTime() - context.clock.now().getTime();
    if (remaining <= 0) {
      return {
        outcome: 'failed',
        failureMode: 'log-missing',
        explanation: `no log of the ${set.describe()} has a line matching ${check.patterns.map((source) => `/${source}/`).join(', ')} after ${check.timeoutSeconds} s`,
      };
    }
    await context.clock.sleep(Math.min(pause, remaining), context.signal);
    pause *= 2;
  }
}
