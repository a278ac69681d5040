import { startSimulatedCluster, type SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { awaitCondition } from '../support/await-condition.js';
import { applyPod, firstPodAttempt, learnerClient } from '../support/first-pod-learner.js';
import { openTestServices, type TestServices } from '../support/test-services.js';

/**
 * A parked attempt is woken by the change it waits for, however many times it has parked: the
 * learner's deletion is judged when it happens, not at the end of the five minutes the rubric
 * gives for it. The learner submits first and then does the lesson, so the attempt parks for
 * Running, for the deletion, and, once the Pod is gone, for the not-recreated window.
 */
const speed = 2;
let services: TestServices;
let cluster: SimulatedCluster;

afterEach(async () => {
  await services.close();
  await cluster.stop();
});

describe('a parked attempt', () => {
  it('is woken by each change it waits for, and never holds a worker slot through a window', async () => {
    cluster = await startSimulatedCluster({ speed });
    services = await openTestServices({ jobAttempts: 2, backoffMs: 10 });
    const core = learnerClient(cluster);
    // The rubric's not-recreated window lasts 15 s here: longer than a run may take, so a run
    // that sat through it in its slot instead of parking would time out and spend a try.
    services.startWorker({ timeScale: speed, parkAfterMs: 1_000, jobTimeoutMs: 10_000 });
    const posted = await services.api
      .post('/v1/attempts')
      .send(firstPodAttempt(cluster))
      .expect(202);
    const attemptId: string = posted.body.id;
    const receivedAt: Date = (await services.attempts.find(attemptId))!.receivedAt;
    await applyPod(core);

    const waiting = await awaitCondition('the attempt parked for the deletion', async () => {
      const view = (await services.api.get(`/v1/attempts/${attemptId}`)).body;
      return view.nextStep?.action === 'delete-pod' ? view.nextStep : undefined;
    });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'my-pod' });
    const attempt = await awaitCondition(
      'the attempt graded',
      async () => {
        const found = await services.attempts.find(attemptId);
        return found?.status === 'graded' || found?.status === 'not_gradable' ? found : undefined;
      },
      300_000,
    );

    expect(attempt.status).toBe('graded');
    expect(attempt.score).toBe(attempt.maxScore);
    // The deletion woke the attempt: it was graded before the deletion wait would have ended by
    // itself (grading time runs `speed` times faster than real time from the attempt's receipt).
    const deletionWaitEnds = new Date(
      receivedAt.getTime() + (Date.parse(waiting.until) - receivedAt.getTime()) / speed,
    );
    expect(attempt.finishedAt!.getTime()).toBeLessThan(deletionWaitEnds.getTime());
    // No run sat through a wait in its slot until the job's time ran out.
    expect(services.logLines.filter((line) => line.includes('grading will be retried'))).toEqual(
      [],
    );
  }, 400_000);
});
