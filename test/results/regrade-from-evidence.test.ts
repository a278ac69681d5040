import request from 'supertest';
import { loadAssessmentCatalog } from '../../src/assessments/assessment-catalog.js';
import { regradeAttempts } from '../../src/results/regrade-attempts.js';
import { createJournalReplay } from '../../src/results/replay-from-journal.js';
import { startSimulatedCluster, type SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import {
  applyPod,
  firstPodAttempt,
  firstPodVariant,
  learnerClient,
  waitForPodPhase,
} from '../support/first-pod-learner.js';
import {
  openTestServices,
  waitForFinishedAttempt,
  type TestServices,
} from '../support/test-services.js';

/**
 * The rubric shipped with a typo (nginx:1.27 where the lesson says nginx:1.28), so a correct
 * learner lost the manifest and the cluster image checks. The instructor overrode the cluster
 * check; then the fixed rubric (2.0.1) is deployed and the attempt regraded from what the grader
 * recorded, with the learner's cluster gone.
 */
const speed = 100;
let services: TestServices;
let cluster: SimulatedCluster;

afterAll(async () => {
  await services?.close();
  await cluster?.stop();
});

it('regrades from stored evidence alone after a rubric fix, keeps every version, and leaves the override in place, flagged', async () => {
  const buggy = await firstPodVariant((yaml) =>
    yaml.replaceAll('image: nginx:1.28', 'image: nginx:1.27'),
  );
  // The fix is the shipped rubric with its patch version bumped.
  let shipped = '';
  let fixedVersion = '';
  const fixed = await firstPodVariant((yaml) =>
    yaml.replace(/^version: (\d+)\.(\d+)\.(\d+)$/m, (_line, major, minor, patch) => {
      shipped = `${major}.${minor}.${patch}`;
      fixedVersion = `${major}.${minor}.${Number(patch) + 1}`;
      return `version: ${fixedVersion}`;
    }),
  );
  cluster = await startSimulatedCluster({ speed });
  services = await openTestServices({ assessmentsDirectory: buggy });
  services.startWorker({ timeScale: speed });

  // The learner does the lesson right: apply, Running, submit, delete once the grader saw it run.
  const core = learnerClient(cluster);
  await applyPod(core);
  await waitForPodPhase(core, 'Running');
  const posted = await services.api.post('/v1/attempts').send(firstPodAttempt(cluster)).expect(202);
  const attemptId: string = posted.body.id;
  for (;;) {
    const attempt = await services.attempts.find(attemptId);
    if (attempt?.checks.some((check) => check.id === 'pod-is-bare')) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await core.deleteNamespacedPod({ namespace: 'default', name: 'my-pod' });
  const graded = await waitForFinishedAttempt(services.attempts, attemptId, 60_000);
  expect(graded.status).toBe('graded');
  const lost = graded.checks.filter((check) => check.outcome !== 'passed').map((c) => c.id);
  expect(lost.sort()).toEqual(['cluster-image-nginx', 'container-web-nginx']);
  expect(graded.score).toBe(24);

  // The instructor overrides the cluster image check, with a reason. Only a key of the
  // attempt's tenant with results:write may.
  const overrideBody = {
    target: 'check',
    targetId: 'cluster-image-nginx',
    points: 1,
    reason: 'The rubric had a typo; the learner ran the lesson image.',
    actor: 'teacher-7',
  };
  const readOnly = await services.createTenantWithKey({ scopes: ['results:read'] });
  await readOnly.api.post(`/v1/attempts/${attemptId}/overrides`).send(overrideBody).expect(403);
  const otherTenant = await services.createTenantWithKey();
  await otherTenant.api.post(`/v1/attempts/${attemptId}/overrides`).send(overrideBody).expect(404);
  const overridden = await services.api
    .post(`/v1/attempts/${attemptId}/overrides`)
    .send({
      target: 'check',
      targetId: 'cluster-image-nginx',
      points: 1,
      reason: 'The rubric had a typo; the learner ran the lesson image.',
      actor: 'teacher-7',
    })
    .expect(201);
  expect(overridden.body.score).toBe(25);
  expect(overridden.body.override.before).toEqual({ outcome: 'failed', points: 0 });
  expect(overridden.body.override.after).toEqual({ outcome: 'passed', points: 1 });

  // The learner's cluster is gone: nothing can be read from it any more.
  await cluster.stop();
  const requestsBefore = cluster.control.requests().length;

  const fixedCatalog = await loadAssessmentCatalog({ directory: fixed });
  const deps = {
    catalog: fixedCatalog,
    results: services.results,
    replay: createJournalReplay({ observations: services.observations }),
    logger: services.logger,
  };
  const dryRun = await regradeAttempts(deps, {
    tenantId: services.tenant.tenantId,
    assessmentId: 'first-pod',
    dryRun: true,
    actor: 'teacher-7',
  });
  expect(dryRun.toVersion).toBe(fixedVersion);
  expect(dryRun.attempts).toEqual([
    expect.objectContaining({
      attemptId,
      learnerId: 'learner-with-cluster',
      fromVersion: shipped,
      oldScore: 25,
      newScore: 27,
      status: 'changed',
      flaggedOverrides: [overridden.body.override.id],
    }),
  ]);
  // A dry run stores nothing.
  expect((await services.attempts.find(attemptId))?.score).toBe(25);

  const applied = await regradeAttempts(deps, {
    tenantId: services.tenant.tenantId,
    assessmentId: 'first-pod',
    dryRun: false,
    actor: 'teacher-7',
  });
  expect(applied.attempts[0]).toMatchObject({ status: 'regraded', oldScore: 25, newScore: 27 });
  expect(cluster.control.requests().length).toBe(requestsBefore);

  const regraded = await services.attempts.find(attemptId);
  expect(regraded?.score).toBe(27);
  expect(regraded?.assessmentVersion).toBe(fixedVersion);
  expect(regraded?.checks.every((check) => check.outcome === 'passed')).toBe(true);

  const versions = await services.results.listVersions(attemptId);
  expect(versions.map((v) => [v.version, v.cause, v.assessmentVersion, v.score])).toEqual([
    [1, 'graded', shipped, 24],
    [2, 'overridden', shipped, 25],
    [3, 'regraded', fixedVersion, 27],
  ]);
  const [override] = await services.results.listOverrides(attemptId);
  expect(override).toMatchObject({
    targetId: 'cluster-image-nginx',
    actor: 'teacher-7',
    supersededAt: null,
    needsReview: true,
    regradedValue: { outcome: 'passed', points: 1 },
  });

  // The LMS hears of both changes through the outbox.
  const events = await services.prisma.attemptEvent.findMany({
    where: { attemptId, type: 'attempt.regraded' },
    orderBy: { sequence: 'asc' },
  });
  expect(events.map((event) => (event.payload as { data: { score: number } }).data.score)).toEqual([
    25, 27,
  ]);

  // The learner's page shows the override and that it awaits review.
  const page = await request(services.app).get(posted.body.feedbackUrl).expect(200);
  expect(page.text).toContain('Changed by your instructor teacher-7');
  expect(page.text).toContain('awaiting review');
}, 120_000);
