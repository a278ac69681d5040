import type { KubeObject } from '../cluster-reader.js';
import { readControllerFacts, type ControllerFacts } from '../kubernetes/controller-facts.js';
import { selectorMatches } from '../kubernetes/label-selector.js';
import type { PodFacts } from '../kubernetes/pod-facts.js';

/** What controls a Pod: its owners (with their own owner) and the controllers selecting it. */
export interface PodControllers {
  owners: { kind: string; name: string; ownerChain: string }[];
  selectedBy: { kind: string; name: string; selector: string }[];
}

export function findPodControllers(options: {
  pod: PodFacts;
  replicaSets: readonly KubeObject[];
  deployments: readonly KubeObject[];
}): PodControllers {
  const replicaSets = options.replicaSets.flatMap(
    (object) => readControllerFacts('ReplicaSet', object) ?? [],
  );
  const deployments = options.deployments.flatMap(
    (object) => readControllerFacts('Deployment', object) ?? [],
  );
  const owners = options.pod.ownerReferences.map((owner) => {
    const replicaSet =
      owner.kind === 'ReplicaSet'
        ? replicaSets.find((item) => item.name === owner.name)
        : undefined;
    const grandOwner = replicaSet?.owner;
    return {
      kind: owner.kind,
      name: owner.name,
      ownerChain:
        grandOwner === undefined
          ? `${owner.kind} ${owner.name}`
          : `${owner.kind} ${owner.name} (${grandOwner.kind} ${grandOwner.name})`,
    };
  });
  const selectedBy = [...replicaSets, ...deployments]
    .filter((controller) => selects(controller, options.pod))
    .map((controller) => ({
      kind: controller.kind,
      name: controller.name,
      selector: controller.selector?.text ?? '',
    }));
  return { owners, selectedBy };
}

function selects(controller: ControllerFacts, pod: PodFacts): boolean {
  return controller.selector !== undefined && selectorMatches(controller.selector, pod.labels);
}

export function hasControllers(controllers: PodControllers): boolean {
  return controllers.owners.length > 0 || controllers.selectedBy.length > 0;
}

/**
 * "it is owned by ReplicaSet web-7498c59955 (Deployment web), which will replace it when
 * deleted: the lesson wants a bare Pod". Undefined when nothing controls the Pod.
 */
export function explainControllers(
  controllers: PodControllers,
  podName: string | undefined,
): string | undefined {
  const subject = podName === undefined ? 'the Pod' : `Pod ${podName}`;
  const owner = controllers.owners[0];
  if (owner !== undefined) {
    return `${subject} is owned by ${owner.ownerChain}, which will replace it when deleted: the lesson wants a bare Pod, created from a Pod manifest`;
  }
  const selector = controllers.selectedBy[0];
  if (selector !== undefined) {
    const others =
      controllers.selectedBy.length > 1
        ? ` (and ${controllers.selectedBy
            .slice(1)
            .map((item) => `${item.kind} ${item.name}`)
            .join(', ')})`
        : '';
    return `${selector.kind} ${selector.name}${others} selects ${selector.selector}, which matches the labels of ${subject}: a controller selecting these labels keeps Pods like it running and brings one back after a deletion; the lesson wants a bare Pod with nothing managing it`;
  }
  return undefined;
}
