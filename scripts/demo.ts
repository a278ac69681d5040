/**
 * `npm run demo`: a learner goes through "Your First Pod" against a simulated cluster, and
 * kubegrade grades it through the real API, queue, worker and database.
 *
 * The learner applies my-pod.yaml, waits for Running, submits the attempt (the grader records
 * the running moment), deletes the Pod (the grader watches the deletion and that nothing comes
 * back), and reads the feedback. Time runs fast in the simulated cluster and in the grader alike.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logging/logger.js';
import { migrateDatabase } from '../src/db/migrator.js';
import { openServices } from '../src/runtime/services.js';
import { startApiServer } from '../src/http/server.js';
import type { AttemptView } from '../src/attempts/attempt-view.js';
import { startGradingWorker } from '../worker/start-grading-worker.js';
import { startSimulatedCluster } from '../sim/start-simulated-cluster.js';
import { createApiKey } from '../src/tenants/create-api-key.js';
import { createTenant } from '../src/tenants/create-tenant.js';
import { revokeApiKey } from '../src/tenants/revoke-api-key.js';

const speed = 20;
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const step = (text: string) => console.log(`\n${bold('▸')} ${text}`);

const cluster = await startSimulatedCluster({ speed });
const config = loadConfig({
  ...process.env,
  PORT: '0',
  HOST: '127.0.0.1',
  METRICS_PORT: '0',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  QUEUE_NAME: `demo-${process.pid}`,
  OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
  GRADING_TIME_SCALE: String(speed),
});
const logger = createLogger({ level: config.logLevel, name: 'kubegrade-demo' });
// The demo brings its own database up to date, so it also works without `npm run db:migrate`.
await migrateDatabase({ databaseUrl: config.databaseUrl, logger });
const services = await openServices(config, logger, 'producer');
const api = await startApiServer(services);
const worker = await startGradingWorker({ config, services, logger });
const base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
// The demo is an integrator like any other: its own tenant, and a key that can submit and read.
// (The same as `npx kubegrade admin tenant create` and `admin key create`.)
const tenant = await createTenant({ tenants: services.tenants }, { name: `demo-${Date.now()}` });
const { key, apiKey } = await createApiKey(
  { tenants: services.tenants },
  { tenantName: tenant.name, scopes: ['attempts:write', 'results:read'] },
);
const authorization = { authorization: `Bearer ${key}` };

try {
  console.log(bold('kubegrade demo: "Your First Pod"'));
  console.log(`simulated cluster at ${cluster.url} (time x${speed}); API at ${base}`);
  console.log(
    `tenant ${tenant.name}, API key ${apiKey.prefix}... (scopes ${apiKey.scopes.join(', ')})`,
  );

  const manifestPath = fileURLToPath(
    new URL('../assessments/first-pod/reference/my-pod.yaml', import.meta.url),
  );
  const manifest = await readFile(manifestPath, 'utf8');
  const learner = new k8s.KubeConfig();
  learner.loadFromString(cluster.kubeconfigYaml({ token: 'admin' }));
  const core = learner.makeApiClient(k8s.CoreV1Api);

  step('kubectl apply -f my-pod.yaml');
  await core.createNamespacedPod({ namespace: 'default', body: load(manifest) as k8s.V1Pod });
  console.log('pod/my-pod created');

  step('kubectl get pod my-pod --watch');
  let phase = '';
  for (let i = 0; i < 400 && phase !== 'Running'; i += 1) {
    const pod = await core.readNamespacedPod({ namespace: 'default', name: 'my-pod' });
    if (pod.status?.phase !== phase) {
      phase = pod.status?.phase ?? '';
      console.log(
        `my-pod   ${phase}${pod.status?.podIP ? `   ${pod.status.podIP} on ${pod.spec?.nodeName}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  step('submit the attempt (manifest, quiz answer, read-only access to the cluster)');
  const posted = await fetch(`${base}/v1/attempts`, {
    method: 'POST',
    headers: {
      ...authorization,
      'content-type': 'application/json',
      'idempotency-key': `demo-${Date.now()}`,
    },
    body: JSON.stringify({
      assessmentId: 'first-pod',
      learnerId: 'demo-learner',
      courseId: 'k8s-101',
      manifest,
      answers: {
        'pending-causes':
          'Either no node has enough CPU or memory (FailedScheduling), or the image cannot be pulled (ErrImagePull, then ImagePullBackOff).',
      },
      cluster: { kubeconfig: cluster.kubeconfigYaml({ token: 'readOnly' }), namespace: 'default' },
    }),
  });
  const { id } = (await posted.json()) as { id: string };
  console.log(`HTTP ${posted.status}: attempt ${id}`);

  // The attempt shows each check as the grader finishes it. Once the running moment is
  // recorded (the last check about it says whether the Pod is bare), the learner deletes the Pod.
  for (let i = 0; i < 600; i += 1) {
    const progress = (await (
      await fetch(`${base}/v1/attempts/${id}`, { headers: authorization })
    ).json()) as AttemptView;
    if (progress.checks.some((check) => check.id === 'pod-is-bare')) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  console.log('the attempt page shows the running Pod recorded: now delete it');
  step('kubectl delete pod my-pod');
  await core.deleteNamespacedPod({ namespace: 'default', name: 'my-pod' });
  console.log('pod "my-pod" deleted');

  step('wait for the grade');
  let result: AttemptView | undefined;
  for (let i = 0; i < 1200; i += 1) {
    const read = await fetch(`${base}/v1/attempts/${id}`, { headers: authorization });
    result = (await read.json()) as AttemptView;
    if (result.status === 'graded' || result.status === 'not_gradable') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  printFeedback(result);
} finally {
  // A demo key has no use afterwards; the tenant stays, with its attempt, for a look in the database.
  await revokeApiKey({ tenants: services.tenants }, { idOrPrefix: apiKey.id });
  await worker.stop();
  await api.stop();
  await services.close();
  await cluster.stop();
}

function printFeedback(result: AttemptView | undefined): void {
  if (!result) throw new Error('no result');
  console.log(
    `status: ${result.status}${result.notGradableReason ? ` (${result.notGradableReason})` : ''}`,
  );
  const mark = { passed: '✔', failed: '✘', error: '?' } as Record<string, string>;
  for (const check of result.checks) {
    console.log(
      `${mark[check.outcome] ?? '-'} ${check.title}  [${check.points}/${check.maxPoints}]`,
    );
    console.log(`    ${check.message}`);
  }
  for (const answer of result.quiz) {
    console.log(
      `quiz ${answer.questionId}: ${answer.points}/${answer.maxPoints} (concepts: ${answer.matchedConcepts.join(', ') || 'none'})`,
    );
  }
  console.log(bold(`\nscore: ${result.score ?? 0}/${result.maxScore ?? 0}`));
  if (result.status !== 'graded') process.exitCode = 1;
}
