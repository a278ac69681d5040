import { createServer, type Server } from 'node:net';
import { AttemptNotRunningError } from '../../src/attempts/attempt-repository.js';
import {
  abandonedAttemptReason,
  purgeExpiredClusterSecrets,
} from '../../src/attempts/purge-expired-cluster-secrets.js';
import { sealClusterAccess } from '../../src/cluster/sealed-cluster-access.js';
import { startClusterSecretSweep } from '../../worker/cluster-secret-sweep.js';
import { startSimulatedCluster, type SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { attemptBody, referenceManifest } from '../support/first-pod-fixtures.js';
import { storeFirstPodAttempt } from '../support/stored-attempts.js';
import {
  openTestServices,
  waitForFinishedAttempt,
  type TestServices,
} from '../support/test-services.js';

const hour = 60 * 60_000;

/** What is really in the column, read with SQL rather than through the repository. */
async function storedSecret(services: TestServices, id: string): Promise<Uint8Array | null> {
  const rows = await services.prisma.$queryRaw<Array<{ cluster_secret: Uint8Array | null }>>`
    SELECT cluster_secret FROM attempts WHERE id = ${id}::uuid`;
  if (rows.length !== 1) throw new Error(`attempt ${id} is not stored`);
  return rows[0]!.cluster_secret;
}

describe('cluster credentials whose grading never finishes', () => {
  let services: TestServices;
  const now = new Date('2030-01-01T12:00:00Z');

  beforeEach(async () => {
    services = await openTestServices();
  });
  afterEach(async () => {
    await services.close();
  });

  /** Stores an attempt as the API would, then moves it to the state and age a case needs. */
  async function storeAttempt(options: {
    ageMs: number;
    status: 'queued' | 'running' | 'graded';
    withCluster?: boolean;
  }): Promise<string> {
    const id = await storeFirstPodAttempt(services, {
      courseId: undefined,
      manifest: referenceManifest,
      clusterSecret:
        options.withCluster === false
          ? undefined
          : sealClusterAccess(services.secrets, { kubeconfig: 'sealed-test-kubeconfig' }),
    });
    await services.prisma.attempt.update({
      where: { id },
      data: {
        receivedAt: new Date(now.getTime() - options.ageMs),
        status: options.status,
        ...(options.status === 'graded' ? { clusterSecret: null } : {}),
      },
    });
    return id;
  }

  const purge = () =>
    purgeExpiredClusterSecrets(
      { attempts: services.attempts, logger: services.logger, now: () => now },
      { ttlMs: hour },
    );

  it('when an attempt has waited longer than the TTL, then its credentials are erased and it is not gradable', async () => {
    const queued = await storeAttempt({ ageMs: 2 * hour, status: 'queued' });
    const running = await storeAttempt({ ageMs: hour + 1, status: 'running' });

    const { abandonedAttemptIds } = await purge();

    expect(abandonedAttemptIds.sort()).toEqual([queued, running].sort());
    for (const id of [queued, running]) {
      expect(await storedSecret(services, id)).toBeNull();
      const attempt = await services.attempts.find(id);
      expect(attempt).toMatchObject({
        status: 'not_gradable',
        notGradableReason: abandonedAttemptReason,
        finishedAt: now,
        score: null,
      });
    }
    expect(abandonedAttemptReason).toBe(
      'abandoned: cluster credentials expired before grading finished',
    );
  });

  it('when an attempt is younger than the TTL, finished, or holds no credentials, then it is left alone', async () => {
    const young = await storeAttempt({ ageMs: hour - 60_000, status: 'queued' });
    const graded = await storeAttempt({ ageMs: 3 * hour, status: 'graded' });
    const withoutCluster = await storeAttempt({
      ageMs: 3 * hour,
      status: 'queued',
      withCluster: false,
    });

    expect((await purge()).abandonedAttemptIds).toEqual([]);

    expect(await storedSecret(services, young)).not.toBeNull();
    expect((await services.attempts.find(young))?.status).toBe('queued');
    expect((await services.attempts.find(graded))?.status).toBe('graded');
    expect((await services.attempts.find(withoutCluster))?.status).toBe('queued');
  });

  it('when the sweep runs again, or in two workers at once, then each attempt is abandoned once', async () => {
    const old = await storeAttempt({ ageMs: 2 * hour, status: 'queued' });
    const [first, second] = await Promise.all([purge(), purge()]);
    expect([...first.abandonedAttemptIds, ...second.abandonedAttemptIds]).toEqual([old]);
    expect((await purge()).abandonedAttemptIds).toEqual([]);
    expect(
      services.logLines.filter((line) => line.includes('erased expired cluster credentials')),
    ).toHaveLength(1);
  });

  it('when a worker was still grading an abandoned attempt, then its late grade is refused, not stored', async () => {
    const running = await storeAttempt({ ageMs: 2 * hour, status: 'running' });
    await purge();
    await expect(
      services.attempts.saveGrade(
        running,
        { checks: [], quiz: [], evidence: [], score: 5, maxScore: 5, passed: true } as never,
        new Date(),
      ),
    ).rejects.toBeInstanceOf(AttemptNotRunningError);
    expect((await services.attempts.find(running))?.status).toBe('not_gradable');
  });

  it('when the worker runs the sweep on its timer, then expired credentials go without waiting for a job, and stop() ends it', async () => {
    const old = await storeAttempt({ ageMs: 0, status: 'queued' });
    await services.prisma.attempt.update({
      where: { id: old },
      data: { receivedAt: new Date(Date.now() - 2 * hour) },
    });
    const sweep = startClusterSecretSweep({
      attempts: services.attempts,
      logger: services.logger,
      ttlMs: hour,
      intervalMs: 20,
    });
    try {
      const deadline = Date.now() + 5_000;
      while ((await storedSecret(services, old)) !== null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(await storedSecret(services, old)).toBeNull();
    } finally {
      await sweep.stop();
    }
    // Stopped: an attempt that expires afterwards is not touched by this sweep any more.
    const later = await storeAttempt({ ageMs: 0, status: 'queued' });
    await services.prisma.attempt.update({
      where: { id: later },
      data: { receivedAt: new Date(Date.now() - 2 * hour) },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await storedSecret(services, later)).not.toBeNull();
  });
});

describe('cluster credentials when grading ends', () => {
  let services: TestServices;
  let cluster: SimulatedCluster | undefined;
  let closedPort: Server | undefined;

  afterEach(async () => {
    await services.close();
    await cluster?.stop();
    await new Promise<void>((resolve) =>
      closedPort ? closedPort.close(() => resolve()) : resolve(),
    );
    cluster = undefined;
    closedPort = undefined;
  });

  it('when the attempt is graded, then the sealed credentials are gone from the row', async () => {
    const speed = 50;
    services = await openTestServices();
    cluster = await startSimulatedCluster({ speed });
    services.startWorker({ timeScale: speed });

    const posted = await services.api
      .post('/v1/attempts')
      .send(
        attemptBody({
          assessmentId: 'first-pod',
          cluster: { kubeconfig: cluster.kubeconfigYaml({ token: 'readOnly' }) },
        }),
      )
      .expect(202);
    // Until grading ends the credentials are kept, sealed (never as plain text).
    const sealed = await storedSecret(services, posted.body.id);
    expect(sealed).not.toBeNull();
    expect(Buffer.from(sealed!).toString('latin1')).not.toContain(cluster.tokens.readOnly);

    const finished = await waitForFinishedAttempt(services.attempts, posted.body.id, 60_000);
    expect(finished.status).toBe('graded');
    expect(await storedSecret(services, posted.body.id)).toBeNull();
  }, 90_000);

  it('when the attempt is not gradable (its cluster never answers), then the credentials are gone too', async () => {
    services = await openTestServices({ jobAttempts: 1 });
    // A port that refuses every connection: the cluster "exists" but cannot be looked at.
    closedPort = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => closedPort!.listen(0, '127.0.0.1', () => resolve()));
    const port = (closedPort.address() as { port: number }).port;
    const simulated = await startSimulatedCluster();
    const kubeconfig = simulated
      .kubeconfigYaml({ token: 'readOnly' })
      .replace(simulated.url, `https://127.0.0.1:${port}`);
    await simulated.stop();
    services.startWorker({ timeScale: 1000, clusterRequestTimeoutMs: 500 });

    const posted = await services.api
      .post('/v1/attempts')
      .send(attemptBody({ assessmentId: 'first-pod', cluster: { kubeconfig } }))
      .expect(202);
    const finished = await waitForFinishedAttempt(services.attempts, posted.body.id, 60_000);
    expect(finished.status).toBe('not_gradable');
    expect(await storedSecret(services, posted.body.id)).toBeNull();
  }, 90_000);
});
