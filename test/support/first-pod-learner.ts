import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { load } from 'js-yaml';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { defaultAssessmentsDirectory } from '../../src/assessments/default-assessments-directory.js';
import { awaitCondition } from './await-condition.js';
import { bothConceptsAnswer, referenceManifest } from './first-pod-fixtures.js';

/** A learner doing the first-pod lesson against a simulated cluster, with their own admin token. */
export function learnerClient(cluster: SimulatedCluster): k8s.CoreV1Api {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(cluster.kubeconfigYaml({ token: 'admin' }));
  return kc.makeApiClient(k8s.CoreV1Api);
}

export async function applyPod(core: k8s.CoreV1Api, manifest = referenceManifest): Promise<void> {
  await core.createNamespacedPod({ namespace: 'default', body: load(manifest) as k8s.V1Pod });
}

/** Polls often (the cluster may run many times faster than the wall clock). */
export async function waitForPodPhase(core: k8s.CoreV1Api, phase: string): Promise<void> {
  await awaitCondition(
    `Pod default/my-pod to be ${phase}`,
    async () => {
      const pod = await core.readNamespacedPod({ namespace: 'default', name: 'my-pod' });
      return pod.status?.phase === phase ? true : undefined;
    },
    90_000,
    10,
  );
}

/** The body the LMS posts for this learner, with the grader's read-only token. */
export function firstPodAttempt(
  cluster: SimulatedCluster,
  options: { manifest?: string; learnerId?: string; courseId?: string } = {},
): Record<string, unknown> {
  return {
    assessmentId: 'first-pod',
    learnerId: options.learnerId ?? 'learner-with-cluster',
    courseId: options.courseId ?? 'k8s-101',
    manifest: options.manifest ?? referenceManifest,
    answers: { 'pending-causes': bothConceptsAnswer },
    cluster: { kubeconfig: cluster.kubeconfigYaml({ token: 'readOnly' }), namespace: 'default' },
  };
}

/**
 * A rubric folder holding a variant of first-pod: `edit` changes its YAML text (a rubric bug,
 * a fix with a new version). Written to a temporary folder, as an operator would deploy it.
 */
export async function firstPodVariant(edit: (yaml: string) => string): Promise<string> {
  const source = await readFile(
    join(defaultAssessmentsDirectory(), 'first-pod', 'assessment.yaml'),
    'utf8',
  );
  const directory = await mkdtemp(join(tmpdir(), 'kubegrade-rubric-'));
  await mkdir(join(directory, 'first-pod'));
  await writeFile(join(directory, 'first-pod', 'assessment.yaml'), edit(source));
  return directory;
}
