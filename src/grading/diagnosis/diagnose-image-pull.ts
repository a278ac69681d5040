import type { EventFacts } from '../kubernetes/event-facts.js';
import type { PodFacts } from '../kubernetes/pod-facts.js';

const pullFailureReasons = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName']);

/**
 * Why the kubelet cannot pull a container's image, from the container status and the Pod's
 * events: "the kubelet cannot pull nginx:1.82: that tag does not exist; the lesson uses
 * nginx:1.28". Undefined when no container is stuck on its image.
 */
export function diagnoseImagePull(options: {
  pod: PodFacts;
  events: readonly EventFacts[];
  expectedImages: ReadonlyMap<string, string>;
}): string | undefined {
  const { pod, events, expectedImages } = options;
  // Init containers' images are pulled first: a typo there keeps the Pod in Init forever.
  const all = [
    ...pod.initContainers.map((container) => ({
      container,
      field: 'initContainers',
      noun: 'init container',
      status: pod.initContainerStatuses.find((item) => item.name === container.name),
    })),
    ...pod.containers.map((container) => ({
      container,
      field: 'containers',
      noun: 'container',
      status: pod.containerStatuses.find((item) => item.name === container.name),
    })),
  ];
  const findings = all.flatMap(({ container, field, noun, status }) => {
    const containerEvents = events.filter(
      (event) => event.fieldPath === `spec.${field}{${container.name}}`,
    );
    const failedPull = containerEvents.find(
      (event) => event.reason === 'Failed' && event.message.startsWith('Failed to pull image'),
    );
    const stuck =
      pullFailureReasons.has(status?.waitingReason ?? '') ||
      failedPull !== undefined ||
      containerEvents.some((event) => /ImagePullBackOff|ErrImagePull/.test(event.message));
    if (!stuck || container.image === undefined) return [];
    const detail = failedPull?.message ?? status?.waitingMessage ?? '';
    const state = status?.waitingReason
      ? `, its ${noun} ${container.name} is waiting in ${waitingState(status.waitingReason)}`
      : '';
    const expected = expectedImages.get(container.name);
    const lessonImage =
      expected !== undefined && expected !== container.image ? `; the lesson uses ${expected}` : '';
    return [
      `the kubelet cannot pull ${container.image}: ${pullCause(container.image, detail, status?.waitingReason)}${lessonImage} (the Pod is ${pod.phase ?? 'not running'}${state})`,
    ];
  });
  return findings.length === 0 ? undefined : findings.join('; ');
}

/**
 * The kubelet alternates the two while it retries a pull (ErrImagePull at each failed try,
 * ImagePullBackOff in between), so which one a look catches is chance: name both, as the
 * learner may see either in `kubectl get pods`.
 */
function waitingState(reason: string): string {
  if (reason === 'ErrImagePull') return 'ErrImagePull (then ImagePullBackOff between tries)';
  if (reason === 'ImagePullBackOff') return 'ImagePullBackOff (ErrImagePull at each new try)';
  return reason;
}

function pullCause(image: string, detail: string, waitingReason: string | undefined): string {
  if (waitingReason === 'InvalidImageName') return 'the image name is not valid';
  if (/not found|manifest unknown/i.test(detail)) {
    const tag = tagOf(image);
    return tag === undefined
      ? 'the registry has no such image'
      : `that tag does not exist (no "${tag}" in ${repositoryOf(image)})`;
  }
  if (/denied|unauthorized|authentication/i.test(detail))
    return 'the registry refused it (a private image, or a repository name that does not exist)';
  if (detail !== '') return `the pull failed (${truncate(detail)})`;
  return 'the pull keeps failing (kubectl describe pod shows the exact error)';
}

function tagOf(image: string): string | undefined {
  const lastPart = image.split('/').pop() ?? image;
  if (lastPart.includes('@')) return undefined;
  const colon = lastPart.lastIndexOf(':');
  return colon === -1 ? 'latest' : lastPart.slice(colon + 1);
}

function repositoryOf(image: string): string {
  const withoutDigest = image.split('@')[0] ?? image;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
