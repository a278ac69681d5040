import type { PodFacts } from '../kubernetes/pod-facts.js';

const handledElsewhere = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName']);

/** Containers stuck for reasons other than their image: crash loops, bad configuration. */
export function diagnoseContainerWaiting(pod: PodFacts): string | undefined {
  const findings = pod.containerStatuses.flatMap((status) => {
    const reason = status.waitingReason;
    if (reason === undefined || handledElsewhere.has(reason) || reason === 'ContainerCreating')
      return [];
    if (reason === 'CrashLoopBackOff') {
      return [
        `container ${status.name} keeps exiting and being restarted (CrashLoopBackOff, ${status.restartCount} restarts); kubectl logs ${pod.name ?? 'the Pod'} -c ${status.name} --previous shows why`,
      ];
    }
    const message = status.waitingMessage === undefined ? '' : `: ${status.waitingMessage}`;
    return [`container ${status.name} is waiting (${reason}${message})`];
  });
  return findings.length === 0 ? undefined : findings.join('; ');
}
