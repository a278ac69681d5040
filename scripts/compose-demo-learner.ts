/**
 * The learner of `docker compose --profile demo up`: plays "Your First Pod" against the `sim`
 * service and submits to the `api` service, so the compose API, queue and worker grade it.
 *
 * The simulated cluster writes its kubeconfigs into a shared volume; they name the address it
 * listens on, so the learner points them at the service name and keeps TLS verification
 * against the certificate's own name (`tls-server-name: localhost`).
 */
import { readFile } from 'node:fs/promises';
import * as k8s from '@kubernetes/client-node';
import { dump, load } from 'js-yaml';

const apiUrl = process.env.KUBEGRADE_API_URL ?? 'http://api:3000';
const simUrl = process.env.SIM_URL ?? 'https://sim:6443';
const kubeconfigDir = process.env.SIM_KUBECONFIG_DIR ?? '/demo';
// The API authenticates LMS integrations: the demo tenant's key (see the README's tenants section).
const authorization = { authorization: `Bearer ${process.env.KUBEGRADE_API_KEY ?? ''}` };

async function kubeconfigFor(file: string): Promise<string> {
  const config = load(await readFile(`${kubeconfigDir}/${file}`, 'utf8')) as {
    clusters: Array<{ cluster: Record<string, unknown> }>;
  };
  for (const entry of config.clusters) {
    entry.cluster.server = simUrl;
    entry.cluster['tls-server-name'] = 'localhost';
  }
  return dump(config);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface AttemptSummary {
  status: string;
  score: number | null;
  maxScore: number | null;
  checks: Array<{ id: string; title: string; outcome: string }>;
}

async function readAttempt(id: string): Promise<AttemptSummary> {
  const response = await fetch(`${apiUrl}/v1/attempts/${id}`, { headers: authorization });
  return (await response.json()) as AttemptSummary;
}

const manifest = await readFile('assessments/first-pod/reference/my-pod.yaml', 'utf8');
const admin = new k8s.KubeConfig();
admin.loadFromString(await kubeconfigFor('admin.kubeconfig'));
const core = admin.makeApiClient(k8s.CoreV1Api);

console.log('kubectl apply -f my-pod.yaml');
await core.createNamespacedPod({ namespace: 'default', body: load(manifest) as k8s.V1Pod });
for (let phase = ''; phase !== 'Running'; await pause(250)) {
  phase =
    (await core.readNamespacedPod({ namespace: 'default', name: 'my-pod' })).status?.phase ?? '';
}
console.log('my-pod is Running; submitting the attempt');

const posted = await fetch(`${apiUrl}/v1/attempts`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', ...authorization },
  body: JSON.stringify({
    assessmentId: 'first-pod',
    learnerId: 'compose-demo-learner',
    manifest,
    answers: {
      'pending-causes':
        'Either no node has enough CPU (FailedScheduling), or the image cannot be pulled (ErrImagePull, then ImagePullBackOff).',
    },
    cluster: { kubeconfig: await kubeconfigFor('read-only.kubeconfig'), namespace: 'default' },
  }),
});
const { id } = (await posted.json()) as { id: string };
console.log(`HTTP ${posted.status}: attempt ${id}`);

// Once the grader has recorded the running moment, the lesson's second step: delete the Pod.
while (!(await readAttempt(id)).checks.some((check) => check.id === 'pod-is-bare'))
  await pause(500);
console.log('kubectl delete pod my-pod');
await core.deleteNamespacedPod({ namespace: 'default', name: 'my-pod' });

let result = await readAttempt(id);
while (result.status === 'queued' || result.status === 'running') {
  await pause(1000);
  result = await readAttempt(id);
}
for (const check of result.checks) console.log(`${check.outcome.padEnd(7)} ${check.title}`);
console.log(`score: ${result.score ?? 0}/${result.maxScore ?? 0}`);
process.exitCode = result.status === 'graded' ? 0 : 1;
