import { clusterCheckKinds } from '../../src/assessments/format/cluster-checks.js';
import { requiresCluster } from '../../src/assessments/assessment.js';
import type { ClusterReader } from '../../src/grading/cluster-reader.js';
import { gradeAttempt } from '../../src/grading/grade-attempt.js';
import { loadAssessment, referenceManifest } from './load-fixture-assessment.js';

const assessment = loadAssessment('cluster-kinds');

/** A reader that must not be called: cluster runners are not implemented in this step. */
const untouchableCluster: ClusterReader = new Proxy({} as ClusterReader, {
  get: () => () => {
    throw new Error('the cluster should not be read');
  },
});

describe('cluster checks', () => {
  it('are all present in the fixture, one per kind', () => {
    expect(new Set(assessment.checks.map((check) => check.kind))).toEqual(
      new Set(['manifest', ...clusterCheckKinds]),
    );
    expect(requiresCluster(assessment)).toBe(true);
    expect(requiresCluster(loadAssessment('first-pod'))).toBe(false);
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
    expect(result.maxScore).toBe(9);
  });

  it('end as error CHECK_KIND_NOT_IMPLEMENTED when a cluster is given, without reading it', async () => {
    const result = await gradeAttempt({
      assessment,
      submission: { manifest: referenceManifest, answers: {} },
      cluster: untouchableCluster,
    });
    for (const check of result.checks.filter((item) => item.id !== 'kind-pod')) {
      expect(check.outcome).toBe('error');
      expect(check.details).toEqual(
        expect.objectContaining({ reason: 'CHECK_KIND_NOT_IMPLEMENTED' }),
      );
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
