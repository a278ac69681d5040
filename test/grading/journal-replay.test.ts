import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { gradeFromJournal } from '../../src/grading/grade-from-journal.js';
import { systemClock } from '../../src/grading/grading-clock.js';
import { AttemptJournal } from '../../src/grading/journal/attempt-journal.js';
import { journalEntrySchema } from '../../src/grading/journal/journal-entry.js';
import type { ClusterReader } from '../../src/grading/cluster-reader.js';
import { startSimulatedCluster, type SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { readerForSimulatedCluster } from '../support/simulated-cluster-reader.js';
import { loadAssessment } from './load-fixture-assessment.js';

/**
 * Real journals, recorded by the soak (npm run soak) from correct learners whose runs were cut
 * by its chaos. Resumed (as a worker resumes) or replayed alone (as a regrade does), the verdict
 * must be the one the record and the cluster support.
 */
const recordedAttemptSchema = z.object({
  namespace: z.string(),
  manifest: z.string(),
  answers: z.record(z.string(), z.string()),
  observations: z.array(journalEntrySchema),
});

function loadJournal(name: string) {
  const file = fileURLToPath(new URL(`../fixtures/journals/${name}.json`, import.meta.url));
  return recordedAttemptSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

async function createNamespace(cluster: SimulatedCluster, name: string): Promise<void> {
  const admin = new k8s.KubeConfig();
  admin.loadFromString(cluster.kubeconfigYaml({ token: 'admin' }));
  await admin.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name } } });
}

async function grade_(recorded: ReturnType<typeof loadJournal>, live?: ClusterReader) {
  const outcome = await gradeFromJournal({
    ...(live === undefined ? {} : { live }),
    assessment: loadAssessment('first-pod'),
    submission: { manifest: recorded.manifest, answers: recorded.answers },
    journal: new AttemptJournal(recorded.observations),
    clock: systemClock,
    ...(live === undefined ? { parkAfterMs: 0 } : {}),
    namespace: recorded.namespace,
  });
  await outcome.session.close();
  if (outcome.status !== 'graded') throw new Error(`replay ${outcome.status}`);
  return outcome.grade;
}

describe('resuming from a recorded journal', () => {
  let cluster: SimulatedCluster;
  afterEach(async () => {
    await cluster?.stop();
  });

  it('follows a watch cut without a recorded end into the watch that replaced it, and sees the deletion', async () => {
    const recorded = loadJournal('first-pod-watch-superseded');
    // The record: watch #0 opened and never closed (its worker was killed), then a gap, a fresh
    // read and watch #1, which saw the learner delete the Pod. The run that failed this learner
    // replayed watch #0 as still open and its clock ran past the deadline.
    const watches = recorded.observations.filter((entry) => entry.type === 'watch-open');
    expect(watches.map((entry) => entry.n)).toEqual([0, 1]);
    expect(
      recorded.observations.some((entry) => entry.type === 'watch-close' && entry.n === 0),
    ).toBe(false);

    // Resumed as a worker resumes it, long after the deadline: what the record lacks (the final
    // look for a recreated Pod) is asked of the learner's cluster, where the Pod is gone.
    cluster = await startSimulatedCluster();
    await createNamespace(cluster, recorded.namespace);
    const { reader, close } = readerForSimulatedCluster(cluster);
    try {
      const grade = await grade_(recorded, reader);
      const deletion = grade.checks.find((check) => check.id === 'pod-deleted-not-recreated');
      expect(deletion?.outcome).toBe('passed');
      expect(grade.checks.filter((check) => check.outcome !== 'passed')).toEqual([]);
      expect(grade.score).toBe(grade.maxScore);
    } finally {
      close();
    }
  });

  it('judges the Pod the learner made as recorded when a retry looks after they deleted it', async () => {
    const recorded = loadJournal('first-pod-look-after-deletion');
    // The record: the Pod read Running, then a failed read of its events at the running moment,
    // then (on the retry) the deletion the learner made when told to.
    const failedRead = recorded.observations.find(
      (entry) => entry.type === 'call' && entry.error !== undefined,
    );
    expect(failedRead).toBeDefined();
    cluster = await startSimulatedCluster();
    await createNamespace(cluster, recorded.namespace);
    const { reader, close } = readerForSimulatedCluster(cluster);
    try {
      const grade = await grade_(recorded, reader);
      expect(grade.checks.filter((check) => check.outcome !== 'passed')).toEqual([]);
      expect(grade.score).toBe(grade.maxScore);
    } finally {
      close();
    }
    // A regrade from the record alone reaches the same verdicts.
    const regraded = await grade_(recorded);
    expect(regraded.score).toBe(regraded.maxScore);
  });

  it('never fails the learner from the record alone (a regrade): what it lacks is could-not-look', async () => {
    const grade = await grade_(loadJournal('first-pod-watch-superseded'));
    const deletion = grade.checks.find((check) => check.id === 'pod-deleted-not-recreated');
    expect(deletion?.outcome).toBe('error');
    expect(deletion?.details).toEqual(expect.objectContaining({ reason: 'NOT_RECORDED' }));
    expect(grade.checks.filter((check) => check.outcome === 'failed')).toEqual([]);
  });
});

describe('AttemptJournal.watch', () => {
  const open = (n: number, at: string) =>
    ({ type: 'watch-open', key: 'w', n, at, resourceVersion: null }) as const;

  it('ends a watch with no recorded end where the next watch of its key opened', () => {
    const journal = new AttemptJournal([
      open(0, '2026-01-01T00:00:01.000Z'),
      open(1, '2026-01-01T00:00:09.000Z'),
    ]);
    expect(journal.watch('w', 0).at(-1)).toEqual({
      type: 'watch-close',
      key: 'w',
      n: 0,
      at: '2026-01-01T00:00:09.000Z',
    });
    // The last watch may still be going on: its end is unknown.
    expect(journal.watch('w', 1)).toEqual([open(1, '2026-01-01T00:00:09.000Z')]);
  });

  it('keeps a recorded end as it is', () => {
    const close = { type: 'watch-close', key: 'w', n: 0, at: '2026-01-01T00:00:02.000Z' } as const;
    const journal = new AttemptJournal([
      open(0, '2026-01-01T00:00:01.000Z'),
      close,
      open(1, '2026-01-01T00:00:09.000Z'),
    ]);
    expect(journal.watch('w', 0)).toEqual([open(0, '2026-01-01T00:00:01.000Z'), close]);
  });
});
