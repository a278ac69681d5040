import type { EventFacts } from '../kubernetes/event-facts.js';
import type { PodFacts } from '../kubernetes/pod-facts.js';
import { diagnoseContainerWaiting } from './diagnose-container-waiting.js';
import { diagnoseImagePull } from './diagnose-image-pull.js';
import { diagnoseScheduling } from './diagnose-scheduling.js';

/**
 * Why a Pod is not Running, in the learner's words, from the cluster's own state: the
 * scheduler's verdict, the kubelet's image pulls, the containers' waiting reasons. Events of
 * other Pods with the same name (an earlier attempt) are ignored.
 */
export function diagnosePodNotRunning(options: {
  pod: PodFacts;
  events: readonly EventFacts[];
  expectedImages: ReadonlyMap<string, string>;
}): string {
  const events = options.events.filter(
    (event) => options.pod.uid === undefined || event.involvedUid === options.pod.uid,
  );
  const findings = [
    diagnoseScheduling({ pod: options.pod, events }),
    diagnoseImagePull({ pod: options.pod, events, expectedImages: options.expectedImages }),
    diagnoseContainerWaiting(options.pod),
  ].filter((finding): finding is string => finding !== undefined);
  if (findings.length > 0) return findings.join('; ');
  const phase = options.pod.phase ?? 'without a phase';
  return `the Pod is ${phase} and its events do not say why yet; kubectl describe pod ${options.pod.name ?? ''} shows the latest`;
}
