import { diagnosePodNotRunning } from '../../src/grading/diagnosis/diagnose-pod-not-running.js';
import {
  explainControllers,
  findPodControllers,
} from '../../src/grading/diagnosis/describe-controllers.js';
import { readPodFacts } from '../../src/grading/kubernetes/pod-facts.js';
import {
  parseLabelSelector,
  selectorMatches,
} from '../../src/grading/kubernetes/label-selector.js';
import { createScaledClock } from '../../src/grading/grading-clock.js';

const lessonImages = new Map([['web', 'nginx:1.28']]);

function pendingPod(
  overrides: { containers?: unknown[]; status?: Record<string, unknown>; nodeName?: string } = {},
) {
  return readPodFacts({
    metadata: { name: 'my-pod', uid: 'uid-1', labels: { app: 'web' } },
    spec: {
      ...(overrides.nodeName ? { nodeName: overrides.nodeName } : {}),
      containers: overrides.containers ?? [{ name: 'web', image: 'nginx:1.82' }],
    },
    status: { phase: 'Pending', ...overrides.status },
  });
}

describe('diagnosing a Pod that is not Running', () => {
  it('names the image and the tag when the kubelet cannot pull it', () => {
    const pod = pendingPod({
      nodeName: 'node-1',
      status: {
        containerStatuses: [
          {
            name: 'web',
            restartCount: 0,
            state: {
              waiting: {
                reason: 'ImagePullBackOff',
                message: 'Back-off pulling image "nginx:1.82"',
              },
            },
          },
        ],
      },
    });
    const text = diagnosePodNotRunning({
      pod,
      expectedImages: lessonImages,
      events: [
        {
          type: 'Warning',
          reason: 'Failed',
          message:
            'Failed to pull image "nginx:1.82": rpc error: code = NotFound desc = docker.io/library/nginx:1.82: not found',
          count: 1,
          involvedUid: 'uid-1',
          fieldPath: 'spec.containers{web}',
          lastTimestamp: undefined,
        },
      ],
    });
    expect(text).toContain('the kubelet cannot pull nginx:1.82: that tag does not exist');
    expect(text).toContain('the lesson uses nginx:1.28');
    expect(text).toContain('ImagePullBackOff');
  });

  it('names the short resource and what the Pod asks for when it cannot be scheduled', () => {
    const pod = pendingPod({
      containers: [
        { name: 'web', image: 'nginx:1.28', resources: { requests: { memory: '64Gi' } } },
      ],
    });
    const text = diagnosePodNotRunning({
      pod,
      expectedImages: lessonImages,
      events: [
        {
          type: 'Warning',
          reason: 'FailedScheduling',
          message:
            '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..',
          count: 1,
          involvedUid: 'uid-1',
          fieldPath: undefined,
          lastTimestamp: undefined,
        },
      ],
    });
    expect(text).toContain('no node has enough memory free');
    expect(text).toContain('the Pod requests memory 64Gi for container web');
    expect(text).not.toContain('preemption');
  });

  it('ignores the events of an earlier Pod with the same name', () => {
    const text = diagnosePodNotRunning({
      pod: pendingPod({ nodeName: 'node-1' }),
      expectedImages: lessonImages,
      events: [
        {
          type: 'Warning',
          reason: 'FailedScheduling',
          message: '0/1 nodes are available: 1 Insufficient cpu.',
          count: 1,
          involvedUid: 'old-uid',
          fieldPath: undefined,
          lastTimestamp: undefined,
        },
      ],
    });
    expect(text).not.toContain('cpu');
  });
});

describe('explaining controllers', () => {
  const replicaSet = {
    metadata: {
      name: 'web-7498c59955',
      ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }],
    },
    spec: { selector: { matchLabels: { app: 'web', 'pod-template-hash': '7498c59955' } } },
  };
  const deployment = {
    metadata: { name: 'web' },
    spec: { selector: { matchLabels: { app: 'web' } } },
  };

  it('names the owning ReplicaSet and its Deployment', () => {
    const pod = readPodFacts({
      metadata: {
        name: 'web-7498c59955-x2x7k',
        labels: { app: 'web', 'pod-template-hash': '7498c59955' },
        ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7498c59955', controller: true }],
      },
    });
    const controllers = findPodControllers({
      pod,
      replicaSets: [replicaSet],
      deployments: [deployment],
    });
    expect(explainControllers(controllers, pod.name)).toBe(
      'Pod web-7498c59955-x2x7k is owned by ReplicaSet web-7498c59955 (Deployment web), which will replace it when deleted: the lesson wants a bare Pod, created from a Pod manifest',
    );
  });

  it('names a Deployment whose selector matches a bare Pod, and nothing for an unmatched one', () => {
    const selected = readPodFacts({ metadata: { name: 'my-pod', labels: { app: 'web' } } });
    const controllers = findPodControllers({
      pod: selected,
      replicaSets: [replicaSet],
      deployments: [deployment],
    });
    expect(controllers.selectedBy).toEqual([
      { kind: 'Deployment', name: 'web', selector: 'app=web' },
    ]);
    const other = readPodFacts({ metadata: { name: 'my-pod', labels: { app: 'db' } } });
    expect(
      explainControllers(
        findPodControllers({ pod: other, replicaSets: [replicaSet], deployments: [deployment] }),
        'my-pod',
      ),
    ).toBeUndefined();
  });
});

describe('label selectors', () => {
  it.each([
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'web' }, true],
    ['app=web', { app: 'webb' }, false],
    ['app!=web', { app: 'db' }, true],
    ['app!=web', {}, true],
    ['app in (web,api)', { app: 'api' }, true],
    ['app notin (web,api)', { app: 'api' }, false],
    ['app,!legacy', { app: 'x' }, true],
    ['app,!legacy', { app: 'x', legacy: 'y' }, false],
  ])('%s against %j is %s', (text, labels, expected) => {
    const selector = parseLabelSelector(text);
    expect(selector).toBeDefined();
    expect(selectorMatches(selector!, labels as Record<string, string>)).toBe(expected);
  });

  it('refuses text that is not a selector, and never matches with an empty one', () => {
    expect(parseLabelSelector('app=(web')).toBeUndefined();
    expect(selectorMatches({ requirements: [], text: '' }, { app: 'web' })).toBe(false);
  });
});

describe('createScaledClock', () => {
  it('sleeps factor times shorter and moves now() factor times faster', async () => {
    const clock = createScaledClock(100);
    const before = clock.now().getTime();
    const started = Date.now();
    await clock.sleep(2_000);
    const realMs = Date.now() - started;
    expect(realMs).toBeGreaterThanOrEqual(15);
    expect(realMs).toBeLessThan(500);
    expect(clock.now().getTime() - before).toBeGreaterThanOrEqual(1_500);
  });

  it('refuses a factor that is not a positive number', () => {
    expect(() => createScaledClock(0)).toThrow(RangeError);
  });
});

describe('diagnosing an init container whose image cannot be pulled', () => {
  it('names the init container and its image, with the image the rubric expects for it', () => {
    const pod = readPodFacts({
      metadata: { name: 'web-1', uid: 'uid-9' },
      spec: {
        nodeName: 'node-1',
        initContainers: [{ name: 'setup', image: 'busybox:1.377' }],
        containers: [{ name: 'web', image: 'nginx:1.28' }],
      },
      status: {
        phase: 'Pending',
        initContainerStatuses: [
          {
            name: 'setup',
            restartCount: 0,
            state: { waiting: { reason: 'ErrImagePull', message: 'manifest unknown' } },
          },
        ],
        containerStatuses: [
          { name: 'web', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
        ],
      },
    });
    const text = diagnosePodNotRunning({
      pod,
      expectedImages: new Map([['setup', 'busybox:1.37']]),
      events: [
        {
          type: 'Warning',
          reason: 'Failed',
          message: 'Failed to pull image "busybox:1.377": manifest unknown',
          count: 1,
          involvedUid: 'uid-9',
          fieldPath: 'spec.initContainers{setup}',
          lastTimestamp: undefined,
        },
      ],
    });
    expect(text).toContain('the kubelet cannot pull busybox:1.377');
    expect(text).toContain('that tag does not exist (no "1.377" in busybox)');
    expect(text).toContain('the lesson uses busybox:1.37');
    expect(text).toContain('its init container setup is waiting in ErrImagePull');
    // Whichever of the two states the look caught, the learner is told of both.
    expect(text).toContain('ImagePullBackOff between tries');
  });
});
