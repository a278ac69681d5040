import { builtInCheckKinds } from '../../src/grading/checks/built-in-check-kinds.js';

const clusterCheckKinds = builtInCheckKinds
  .filter((kind) => kind.readsCluster)
  .map((kind) => kind.kind);
import { longestClusterWaitSeconds, requiresCluster } from '../../src/assessments/assessment.js';
import { ClusterReadError } from '../../src/grading/cluster-read-error.js';
import type { ClusterReader } from '../../src/grading/cluster-reader.js';
import { gradeAttempt } from '../../src/grading/grade-attempt.js';
import { loadAssessment, referenceManifest } from './load-fixture-assessment.js';

const assessment = loadAssessment('cluster-kinds');

/** A cluster that refuses every read, as one whose Role grants the grader nothing would. */
const refusingCluster: ClusterReader = new Proxy({} as ClusterReader, {
  get: (_target, property) =>
    property === 'requests'
      ? undefined
      : () =>
          Promise.reject(new ClusterReadError('FORBIDDEN', 'refused (403)', { httpStatus: 403 })),
});

describe('cluster checks', () => {
  it('are all present in the fixture, one per kind', () => {
    expect(new Set(assessment.checks.map((check) => check.kind))).toEqual(
      new Set(['manifest', ...clusterCheckKinds]),
    );
    expect(requiresCluster(assessment)).toBe(true);
    expect(requiresCluster(loadAssessment('first-pod'))).toBe(true);
    expect(requiresCluster(loadAssessment('manifest-only-pod'))).toBe(false);
  });

  it('end as error, never failed, with 0 points and CLUSTER_NOT_PROVIDED when there is no cluster', async () => {
    const result = await gradeAttempt({
      assessment,
      submission: { manifest: referenceManifest, answers: {} },
    });
    const clusterResults = result.checks.filter((check) => check.id !== 'kind-pod');
    expect(clusterResults).toHaveLength(clusterCheckKinds.length);
    for (const check of clusterResults) {
      expect(check.outcome).toBe('error');
      expect(check.points).toBe(0);
      expect(check.maxPoints).toBe(1);
      expect(check.details).toEqual(expect.objectContaining({ reason: 'CLUSTER_NOT_PROVIDED' }));
      expect(check.message).toContain('cluster was not available to the grader');
      expect(check.hint).toBeUndefined();
    }
    expect(result.checks.find((check) => check.id === 'kind-pod')?.outcome).toBe('passed');
    expect(result.score).toBe(1);
    expect(result.maxScore).toBe(11);
  });

  it('end as error with the reason, never failed, when the cluster refuses every read', async () => {
    const result = await gradeAttempt({
      assessment,
      submission: { manifest: referenceManifest, answers: {} },
      cluster: refusingCluster,
    });
    for (const check of result.checks.filter((item) => item.id !== 'kind-pod')) {
      expect(check.outcome).toBe('error');
      expect(check.points).toBe(0);
      expect(check.details).toEqual(
        expect.objectContaining({ reason: 'FORBIDDEN', httpStatus: 403 }),
      );
      expect(check.message).toContain('does not count against you');
    }
  });

  it('stops grading when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('job timed out'));
    await expect(
      gradeAttempt({
        assessment,
        submission: { manifest: referenceManifest, answers: {} },
        signal: controller.signal,
      }),
    ).rejects.toThrow('job timed out');
  });
});

describe('longestClusterWaitSeconds', () => {
  it('adds up the waits of first-pod: running, logs, then deletion and its window', () => {
    expect(longestClusterWaitSeconds(loadAssessment('first-pod'))).toBe(90 + 30 + 90 + 300 + 30);
    expect(longestClusterWaitSeconds(loadAssessment('manifest-only-pod'))).toBe(0);
  });

  it('adds up the waits of first-deployment, as the modules of its check kinds count them', () => {
    expect(longestClusterWaitSeconds(loadAssessment('first-deployment'))).toBe(
      60 + 120 + 60 + 60 + 300 + 60 + 300 + 120 + 300 + 120 + 60,
    );
  });
});
