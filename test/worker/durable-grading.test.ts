import { spawn, type ChildProcess } from 'node:child_process';
import * as k8s from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { startSimulatedCluster, type SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { reconcileStrandedAttempts } from '../../worker/reconcile-stranded-attempts.js';
import {
  attemptBody,
  bothConceptsAnswer,
  fixtureAssessmentsDirectory,
  referenceManifest,
} from '../support/first-pod-fixtures.js';
import {
  openTestServices,
  testRedisUrl,
  waitForFinishedAttempt,
  type TestServices,
} from '../support/test-services.js';

/**
 * The promises that carry the product, under the faults that broke them: a learner who did the
 * lesson right gets full marks after a retry, after a worker is killed mid-window, and after
 * the job vanished from Redis. The grader resumes from its journal instead of starting over.
 */
let services: TestServices;
let cluster: SimulatedCluster | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await services.close();
  await cluster?.stop();
  cluster = undefined;
});

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  // Bounded so a regression fails with a message instead of hanging the suite.
  for (let i = 0; i < 6_000; i += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
}

function learner(sim: SimulatedCluster) {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kubeconfigYaml({ token: 'admin' }));
  return kc.makeApiClient(k8s.CoreV1Api);
}

async function applyMyPodAndWaitRunning(core: k8s.CoreV1Api): Promise<void> {
  await core.createNamespacedPod({
    namespace: 'default',
    body: load(referenceManifest) as k8s.V1Pod,
  });
  await until(async () => {
    const pod = await core.readNamespacedPod({ namespace: 'default', name: 'my-pod' });
    return pod.status?.phase === 'Running' ? true : undefined;
  }, 'my-pod Running');
}

function firstPodAttempt(sim: SimulatedCluster) {
  return {
    assessmentId: 'first-pod',
    learnerId: 'careful-learner',
    manifest: referenceManifest,
    answers: { 'pending-causes': bothConceptsAnswer },
    cluster: { kubeconfig: sim.kubeconfigYaml({ token: 'readOnly' }), namespace: 'default' },
  };
}

async function journalOf(attemptId: string) {
  return services.observations.load(attemptId);
}

describe('durable grading', () => {
  it('gives full marks on the retry after the learner deleted the Pod, from the recorded running moment', async () => {
    const speed = 100;
    cluster = await startSimulatedCluster({ speed });
    // Retries wait long enough (real time) for the learner to delete the Pod first.
    services = await openTestServices({ jobAttempts: 3, backoffMs: 1_500 });
    const core = learner(cluster);
    await applyMyPodAndWaitRunning(core);
    // The grader cannot list ReplicaSets during the first run, so it cannot finish it.
    const fault = cluster.control.addFault({
      path: '/apis/apps/v1/namespaces/default/replicasets',
      kind: 'status',
      status: 500,
    });
    services.startWorker({ timeScale: speed });
    const posted = await services.api
      .post('/v1/attempts')
      .send(firstPodAttempt(cluster))
      .expect(202);
    const id: string = posted.body.id;

    // The first run recorded the running moment, then ended on the fault it could not get past.
    await until(async () => {
      const attempt = await services.attempts.find(id);
      return attempt?.checks.some((c) => c.id === 'pod-is-bare' && c.outcome === 'error')
        ? true
        : undefined;
    }, 'the first run to end on the ReplicaSet fault');
    await core.deleteNamespacedPod({ namespace: 'default', name: 'my-pod' });
    cluster.control.clearFaults(fault.id);

    const attempt = await waitForFinishedAttempt(services.attempts, id, 60_000);
    expect(attempt.status).toBe('graded');
    expect(attempt.checks.filter((check) => check.outcome !== 'passed')).toEqual([]);
    expect(attempt.score).toBe(attempt.maxScore);
    expect(attempt.gradingRuns).toBeGreaterThanOrEqual(2);
    // The Pod was gone when the retry ran: Running came from the journal, not from the cluster.
    const journal = await journalOf(id);
    const phaseOf = (object: unknown) => (object as { status?: { phase?: string } }).status?.phase;
    const running = journal.find(
      (entry) =>
        (entry.type === 'watch-event' && phaseOf(entry.event.object) === 'Running') ||
        (entry.type === 'call' &&
          entry.key.startsWith('readPod:') &&
          phaseOf(entry.result) === 'Running'),
    );
    expect(running).toBeDefined();
  }, 120_000);

  it('finishes an attempt whose job vanished from Redis, through the reconciler', async () => {
    services = await openTestServices({ assessmentsDirectory: fixtureAssessmentsDirectory });
    const posted = await services.api.post('/v1/attempts').send(attemptBody()).expect(202);
    const id: string = posted.body.id;
    // Redis lost everything (a restart without persistence): the job is gone, the row is not.
    await services.queue.obliterate({ force: true });
    expect(await services.queue.getJobState(id)).toBe('unknown');

    const reconciled = await reconcileStrandedAttempts({
      attempts: services.attempts,
      queue: services.queue,
      logger: services.logger,
      graceMs: 0,
      maxRuns: 5,
    });
    expect(reconciled).toEqual({ requeued: 1, ended: 0 });
    services.startWorker();
    const attempt = await waitForFinishedAttempt(services.attempts, id);
    expect(attempt.status).toBe('graded');
    expect(attempt.checks.filter((check) => check.outcome !== 'passed')).toEqual([]);
  });

  it('ends an attempt that keeps losing its job, with a reason and a code, instead of trying forever', async () => {
    services = await openTestServices({ assessmentsDirectory: fixtureAssessmentsDirectory });
    const posted = await services.api.post('/v1/attempts').send(attemptBody()).expect(202);
    const id: string = posted.body.id;
    await services.queue.obliterate({ force: true });
    await services.prisma.attempt.update({ where: { id }, data: { gradingRuns: 5 } });
    const reconciled = await reconcileStrandedAttempts({
      attempts: services.attempts,
      queue: services.queue,
      logger: services.logger,
      graceMs: 0,
      maxRuns: 5,
    });
    expect(reconciled).toEqual({ requeued: 0, ended: 1 });
    const attempt = await services.attempts.find(id);
    expect(attempt?.status).toBe('not_gradable');
    expect(attempt?.notGradableCode).toBe('GRADING_ABANDONED');
    expect(attempt?.notGradableReason).toMatch(/nothing counts against the learner/);
  });

  it('lets another worker finish with full marks after a worker is SIGKILLed in the stability window', async () => {
    // Slow enough that the 30 s window (7.5 s here) outlasts the test noticing it on a busy machine.
    const speed = 4;
    cluster = await startSimulatedCluster({ speed });
    services = await openTestServices({ jobAttempts: 3, backoffMs: 50 });
    const core = learner(cluster);
    await applyMyPodAndWaitRunning(core);
    const workerProcess = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          NODE_ENV: 'test',
          LOG_LEVEL: 'warn',
          DATABASE_URL: services.databaseUrl,
          REDIS_URL: testRedisUrl,
          QUEUE_NAME: services.queueName,
          CLUSTER_SECRET_KEYS: `test:${Buffer.alloc(32, 7).toString('base64')}`,
          OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
          GRADING_TIME_SCALE: String(speed),
          CLUSTER_REQUEST_TIMEOUT_MS: '2000',
          METRICS_PORT: '0',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      return child;
    };
    const first = workerProcess();
    const posted = await services.api
      .post('/v1/attempts')
      .send(firstPodAttempt(cluster))
      .expect(202);
    const id: string = posted.body.id;

    // The attempt says what to do next; the learner does it.
    const nextStep = await until(
      async () => (await services.attempts.find(id))?.nextStep ?? undefined,
      'the attempt to ask for the deletion',
    );
    expect(nextStep).toMatchObject({ action: 'delete-pod', pod: 'my-pod', namespace: 'default' });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'my-pod' });
    // The deletion is in the journal: the stability window has begun. Kill the worker that
    // holds the attempt (its job active or parked, its watch open) now.
    await until(async () => {
      const journal = await journalOf(id);
      const deleted = journal.some(
        (entry) => entry.type === 'watch-event' && entry.event.type === 'DELETED',
      );
      const row = await services.prisma.attempt.findUnique({
        where: { id },
        select: { status: true },
      });
      if (row?.status !== 'running') throw new Error('graded before the worker could be killed');
      return deleted ? true : undefined;
    }, 'the deletion to be recorded');
    const recordedAtKill = (await journalOf(id)).length;
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect((await services.attempts.find(id))?.status).toBe('running');

    workerProcess();
    const attempt = await waitForFinishedAttempt(services.attempts, id, 200_000);
    expect(attempt.status).toBe('graded');
    expect(attempt.checks.filter((check) => check.outcome !== 'passed')).toEqual([]);
    expect(attempt.score).toBe(attempt.maxScore);
    // The second worker looked at the cluster again rather than trust the cut record: inside
    // the window it resumes the watch from its last resourceVersion (a recorded gap); once the
    // window has passed (the parked job fires at its end) it reads the Pod afresh first.
    const lookedAgain = (await journalOf(id))
      .slice(recordedAtKill)
      .flatMap((entry) =>
        entry.type === 'gap'
          ? [entry.recoveredBy]
          : entry.type === 'call' && entry.key.startsWith('readPod:')
            ? ['fresh-read']
            : [],
      );
    expect(
      lookedAgain.filter((how) => how === 'watch-from-resource-version' || how === 'fresh-read'),
    ).not.toEqual([]);
  }, 300_000);
});
