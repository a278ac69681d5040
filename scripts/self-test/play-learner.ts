import * as k8s from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import type { ScenarioStep } from '../../src/assessments/self-test/scenario.js';

export interface LearnerPlay {
  /** Plays the steps before `submit`; resolves when grading may start. */
  untilSubmit(): Promise<void>;
  /** Plays the steps after `submit` (concurrently with grading). */
  afterSubmit(): Promise<void>;
}

const namespace = 'default';
const pollMs = 5;
/** A learner step waiting for the cluster gives up after this long (real time). */
const stepTimeoutMs = 5_000;

/**
 * The learner, through @kubernetes/client-node with the admin token (as kubectl would), and
 * the environment (faults). Times are simulated seconds, turned into real time by `speed`.
 */
export function playLearner(options: {
  cluster: SimulatedCluster;
  steps: readonly ScenarioStep[];
  speed: number;
  submittedManifest: string;
  readManifest: (
    source: Exclude<Extract<ScenarioStep, { apply: unknown }>['apply'], 'submitted'>,
  ) => Promise<string>;
}): LearnerPlay {
  const { cluster, steps, speed } = options;
  const config = new k8s.KubeConfig();
  config.loadFromString(cluster.kubeconfigYaml({ token: 'admin' }));
  const core = config.makeApiClient(k8s.CoreV1Api);
  const apps = config.makeApiClient(k8s.AppsV1Api);
  const submitAt = steps.indexOf('submit');

  async function play(step: ScenarioStep): Promise<void> {
    if (step === 'submit') return;
    if ('apply' in step) {
      const text =
        step.apply === 'submitted'
          ? options.submittedManifest
          : await options.readManifest(step.apply);
      await applyDocuments(text, step.expectRejected);
    } else if ('waitForPhase' in step) {
      const { pod, phase } = step.waitForPhase;
      await until(
        `${pod} to be ${phase}`,
        async () => (await readPod(pod))?.status?.phase === phase,
      );
    } else if ('waitForGone' in step) {
      await until(
        `${step.waitForGone.pod} to be gone`,
        async () => (await readPod(step.waitForGone.pod)) === undefined,
      );
    } else if ('waitForGrader' in step) {
      const wanted = step.waitForGrader;
      await until(`the grader to read ${wanted}`, async () =>
        cluster.control
          .requests()
          .some(
            (request) =>
              request.identity !== 'admin' && request.path.includes(wanted) && request.status !== 0,
          ),
      );
    } else if ('sleep' in step) {
      await new Promise((resolve) => setTimeout(resolve, (step.sleep * 1000) / speed));
    } else if ('delete' in step) {
      await core.deleteNamespacedPod({ namespace, name: step.delete.pod });
    } else if ('deleteOne' in step) {
      const pods = await livePods(step.deleteOne.labelSelector);
      const first = pods[0]?.metadata?.name;
      if (first === undefined) throw new Error(`no Pod matches ${step.deleteOne.labelSelector}`);
      await core.deleteNamespacedPod({ namespace, name: first });
    } else if ('waitForPods' in step) {
      const { labelSelector, count, phase, image } = step.waitForPods;
      await until(`${count} Pods ${labelSelector} to be ${phase}`, async () => {
        const pods = (await livePods(labelSelector)).filter(
          (pod) =>
            pod.status?.phase === phase &&
            (image === undefined || pod.spec?.containers.every((item) => item.image === image)),
        );
        return pods.length === count;
      });
    } else if ('scale' in step) {
      const { deployment, replicas } = step.scale;
      await updateDeployment(deployment, (object) => {
        if (object.spec) object.spec.replicas = replicas;
      });
    } else if ('setImage' in step) {
      const { deployment, container, image } = step.setImage;
      await updateDeployment(deployment, (object) => {
        const target = object.spec?.template.spec?.containers.find(
          (item) => item.name === container,
        );
        if (target === undefined) throw new Error(`no container ${container} in ${deployment}`);
        target.image = image;
      });
    } else {
      cluster.control.addFault(step.fault);
    }
  }

  async function applyDocuments(text: string, expectRejected: boolean): Promise<void> {
    const documents = loadAll(text).filter(
      (document): document is Record<string, unknown> =>
        typeof document === 'object' && document !== null,
    );
    let rejected = 0;
    for (const document of documents) {
      try {
        if (document.kind === 'Pod')
          await core.createNamespacedPod({ namespace, body: document as k8s.V1Pod });
        else if (document.kind === 'Deployment')
          await apps.createNamespacedDeployment({ namespace, body: document as k8s.V1Deployment });
        else if (document.kind === 'ReplicaSet')
          await apps.createNamespacedReplicaSet({ namespace, body: document as k8s.V1ReplicaSet });
        else if (document.kind === 'Service')
          await core.createNamespacedService({ namespace, body: document as k8s.V1Service });
        else if (document.kind === 'ConfigMap')
          await core.createNamespacedConfigMap({ namespace, body: document as k8s.V1ConfigMap });
        else throw new Error(`the scenario player cannot apply kind ${String(document.kind)}`);
      } catch (error) {
        if (!(error instanceof k8s.ApiException)) throw error;
        rejected += 1;
        if (!expectRejected)
          throw new Error(
            `the cluster rejected ${String(document.kind)}: ${error.code} ${String(error.body)}`,
            { cause: error },
          );
      }
    }
    if (expectRejected && rejected === 0)
      throw new Error('expected the cluster to reject the manifest');
  }

  async function livePods(labelSelector: string): Promise<k8s.V1Pod[]> {
    const list = await core.listNamespacedPod({ namespace, labelSelector });
    return list.items
      .filter((pod) => pod.metadata?.deletionTimestamp === undefined)
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  }

  /** Read, change, replace; again on a conflict (a controller wrote in between). */
  async function updateDeployment(
    name: string,
    change: (object: k8s.V1Deployment) => void,
  ): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const object = await apps.readNamespacedDeployment({ namespace, name });
      change(object);
      try {
        await apps.replaceNamespacedDeployment({ namespace, name, body: object });
        return;
      } catch (error) {
        if (!(error instanceof k8s.ApiException) || error.code !== 409 || attempt >= 10)
          throw error;
      }
    }
  }

  async function readPod(name: string): Promise<k8s.V1Pod | undefined> {
    try {
      return await core.readNamespacedPod({ namespace, name });
    } catch (error) {
      if (error instanceof k8s.ApiException && error.code === 404) return undefined;
      throw error;
    }
  }

  return {
    untilSubmit: async () => {
      for (const step of steps.slice(0, submitAt)) await play(step);
    },
    afterSubmit: async () => {
      for (const step of steps.slice(submitAt + 1)) await play(step);
    },
  };
}

async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + stepTimeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`scenario step timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
