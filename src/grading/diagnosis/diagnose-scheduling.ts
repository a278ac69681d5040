import type { EventFacts } from '../kubernetes/event-facts.js';
import type { PodFacts } from '../kubernetes/pod-facts.js';

/**
 * Why the scheduler cannot place the Pod, from its FailedScheduling event (or PodScheduled
 * condition): which resource is short, and what the Pod asks for. Undefined when the Pod is
 * not waiting for a node.
 */
export function diagnoseScheduling(options: {
  pod: PodFacts;
  events: readonly EventFacts[];
}): string | undefined {
  const { pod, events } = options;
  if (pod.nodeName !== undefined) return undefined;
  const failed = [...events].reverse().find((event) => event.reason === 'FailedScheduling');
  const condition = pod.conditions.find(
    (item) => item.type === 'PodScheduled' && item.status === 'False',
  );
  const message = failed?.message ?? condition?.message;
  if (message === undefined) return undefined;
  const summary = message.split(' preemption:')[0]?.trim() ?? message;
  const short = [...message.matchAll(/Insufficient ([\w./-]*\w)/g)].map((match) => match[1] ?? '');
  const resources = [...new Set(short)];
  if (resources.length === 0) {
    return `the scheduler cannot place the Pod on any node: "${summary}"`;
  }
  const requested = resources.map((resource) => describeRequest(pod, resource)).join('; ');
  return (
    `the scheduler cannot place the Pod: no node has enough ${resources.join(' or ')} free ("${summary}"); ` +
    `${requested}. Lower the request (or remove it) so the Pod fits on a node`
  );
}

function describeRequest(pod: PodFacts, resource: string): string {
  const parts = pod.containers.flatMap((container) => {
    const amount = container.requests[resource];
    return amount === undefined ? [] : [`${amount} for container ${container.name}`];
  });
  if (parts.length === 0) return `the Pod requests no ${resource} itself, so the nodes are full`;
  return `the Pod requests ${resource} ${parts.join(', ')}`;
}
