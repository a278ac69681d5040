import { maxClusterSockets } from '../../src/cluster/outbound/guarded-https-agent.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent } from 'node:https';
import type { Assessment } from '../../src/assessments/assessment.js';
import { parseAssessment } from '../../src/assessments/parse-assessment.js';
import { KubeClusterReader } from '../../src/cluster/kubernetes/kube-cluster-reader.js';
import type { AttemptGrade } from '../../src/grading/attempt-grade.js';
import { gradeFromJournal } from '../../src/grading/grade-from-journal.js';
import { AttemptJournal } from '../../src/grading/journal/attempt-journal.js';
import type { JournalEntry } from '../../src/grading/journal/journal-entry.js';
import { createScaledClock } from '../../src/grading/grading-clock.js';
import { startSimulatedCluster, type RequestLogEntry } from '../../sim/start-simulated-cluster.js';
import { playLearner } from './play-learner.js';
import {
  readManifestSource,
  type LoadedScenario,
} from '../../src/assessments/self-test/scenario.js';

/** Simulated ms per real ms, for the cluster and the grader's clock alike. */
export const scenarioSpeed = 300;

export interface ScenarioRun {
  assessment: Assessment;
  grade: AttemptGrade;
  /** The grader's requests, as its own reader counted them. */
  readerRequests: number;
  /** The grader's requests, as the cluster's request log saw them (read-only or invalid token). */
  clusterRequests: RequestLogEntry[];
  wallMs: number;
  /** Internal errors the simulated cluster reported (a scenario must cause none). */
  simulatorErrors: string[];
  manifest: string;
  /** What the grader observed, as the worker would have stored it. */
  journal: readonly JournalEntry[];
}

/**
 * Grades a scenario's attempt again from its journal alone, as a regrade does: no cluster.
 */
export async function regradeFromJournal(
  run: ScenarioRun,
  answers: Record<string, string | string[]>,
): Promise<AttemptGrade> {
  const graded = await gradeFromJournal({
    assessment: run.assessment,
    submission: { manifest: run.manifest, answers },
    journal: new AttemptJournal(run.journal),
    clock: createScaledClock(scenarioSpeed),
  });
  if (graded.status !== 'graded') throw new Error('a regrade never parks');
  await graded.session.close();
  return graded.grade;
}

/**
 * Plays one scenario: a fresh simulated cluster, the learner's steps (with the admin token),
 * and a grading run with gradeAttempt and a KubeClusterReader using the grader's token,
 * started at the `submit` step and running while the remaining steps play.
 */
export async function runScenario({
  assessmentDirectory,
  scenario,
}: LoadedScenario): Promise<ScenarioRun> {
  const assessmentFile = join(assessmentDirectory, 'assessment.yaml');
  const assessment = parseAssessment({
    bytes: await readFile(assessmentFile),
    file: assessmentFile,
    expectedId: assessmentDirectory.split(/[\\/]/).pop() ?? '',
  });
  const manifest = await readManifestSource(scenario.submission.manifest, assessmentDirectory);
  // A scenario whose verdict hangs on a short window (a Pod applied again within the 30 s after
  // its deletion) runs slower, so a busy machine's delays stay small against the window.
  const speed = scenario.speed ?? scenarioSpeed;
  const simulatorErrors: string[] = [];
  const cluster = await startSimulatedCluster({
    speed,
    ...(scenario.cluster.readOnlyDenied ? { readOnlyDenied: scenario.cluster.readOnlyDenied } : {}),
    ...(scenario.cluster.nodes ? { nodes: scenario.cluster.nodes } : {}),
    reportError: (error) => simulatorErrors.push(String(error)),
  });
  const agent = new Agent({ ca: cluster.caPem, keepAlive: true, maxSockets: maxClusterSockets });
  const token =
    scenario.grader.token === 'invalid' ? 'not-a-token-of-this-cluster' : cluster.tokens.readOnly;
  const reader = new KubeClusterReader({
    server: new URL(cluster.url),
    agent,
    headers: { authorization: `Bearer ${token}` },
    requestTimeoutMs: scenario.grader.requestTimeoutMs,
  });
  const started = Date.now();
  try {
    const learner = playLearner({
      cluster,
      steps: scenario.steps,
      speed,
      submittedManifest: manifest,
      readManifest: (source) => readManifestSource(source, assessmentDirectory),
    });
    await learner.untilSubmit();
    // Through the one grading use case, as the worker grades: every observation is journaled.
    const journal = new AttemptJournal();
    const [graded] = await Promise.all([
      gradeFromJournal({
        assessment,
        submission: { manifest, answers: scenario.submission.answers },
        journal,
        live: reader,
        clock: createScaledClock(speed),
      }),
      learner.afterSubmit(),
    ]);
    if (graded.status !== 'graded') throw new Error('a scenario run never parks');
    await graded.session.close();
    const grade = graded.grade;
    return {
      assessment,
      grade,
      readerRequests: reader.requests.count,
      clusterRequests: cluster.control.requests().filter((request) => request.identity !== 'admin'),
      wallMs: Date.now() - started,
      simulatorErrors,
      journal: journal.all(),
      manifest,
    };
  } finally {
    agent.destroy();
    await cluster.stop();
  }
}
