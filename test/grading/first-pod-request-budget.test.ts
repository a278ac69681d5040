import { defaultAssessmentsDirectory } from '../../src/assessments/default-assessments-directory.js';
import { runScenario } from '../../scripts/self-test/grade-scenario.js';
import { loadScenarios } from '../../src/assessments/self-test/scenario.js';

/**
 * What one first-pod attempt costs the learner's API server, request by request. The checks
 * share one observation of the Pod (one GET, then one watch for both moments of the lesson),
 * so adding a check about the Pod adds no request.
 */
describe('the first-pod reference attempt', () => {
  it('costs 7 Kubernetes API requests, counted alike by the grader and by the cluster', async () => {
    const scenarios = await loadScenarios(defaultAssessmentsDirectory());
    const reference = scenarios.find((item) =>
      item.file.endsWith('first-pod/tests/01-reference-full-marks.yaml'),
    );
    if (reference === undefined) throw new Error('the reference scenario is missing');
    const run = await runScenario(reference);

    expect(run.grade.score).toBe(run.grade.maxScore);
    const seenByCluster = run.clusterRequests.map(
      (request) => `${request.watch ? 'WATCH' : request.method} ${request.path}`,
    );
    expect(seenByCluster).toEqual([
      // The running moment: the Pod as it is, then one watch kept open for the whole attempt.
      'GET /api/v1/namespaces/default/pods/my-pod',
      'WATCH /api/v1/namespaces/default/pods',
      'GET /api/v1/namespaces/default/events',
      'GET /api/v1/namespaces/default/pods/my-pod/log',
      'GET /apis/apps/v1/namespaces/default/replicasets',
      'GET /apis/apps/v1/namespaces/default/deployments',
      // The deleted moment is seen by the watch; one list confirms the window ended empty.
      'GET /api/v1/namespaces/default/pods',
    ]);
    expect(run.clusterRequests.every((request) => request.identity === 'readOnly')).toBe(true);
    expect(run.readerRequests).toBe(7);

    const kinds = run.grade.evidence.map((item) => item.kind);
    expect(kinds).toEqual([
      'manifest',
      'pod-timeline',
      'pod-snapshot',
      'pod-events',
      'pod-log-excerpt',
      'cluster-requests',
    ]);
    const timeline = run.grade.evidence.find((item) => item.kind === 'pod-timeline')?.data as {
      uid: string;
      phases: { uid: string; transitions: { phase: string }[] }[];
      deletion: { uid: string; source: string } | null;
      watchesOpened: number;
    };
    expect(timeline.phases[0]?.transitions.map((item) => item.phase).slice(0, 2)).toEqual([
      'Pending',
      'Running',
    ]);
    expect(timeline.deletion).toEqual(
      expect.objectContaining({ uid: timeline.uid, source: 'watch' }),
    );
    expect(timeline.watchesOpened).toBe(1);
    const snapshot = run.grade.evidence.find((item) => item.kind === 'pod-snapshot')?.data as {
      metadata: Record<string, unknown>;
    };
    expect(snapshot.metadata.managedFields).toBeUndefined();
  });
});
