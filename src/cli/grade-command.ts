import { readFile } from 'node:fs/promises';
import { load, YAMLException } from 'js-yaml';
import { AppError } from '../errors/app-error.js';
import { parseAssessment } from '../assessments/parse-assessment.js';
import { connectLearnerCluster } from '../cluster/connect-learner-cluster.js';
import { parseOutboundPolicy } from '../cluster/outbound/outbound-policy.js';
import { gradeFromJournal } from '../grading/grade-from-journal.js';
import { AttemptJournal } from '../grading/journal/attempt-journal.js';
import { createScaledClock } from '../grading/grading-clock.js';
import { parseManifest } from '../grading/manifest/parse-manifest.js';
import { validateAnswers } from '../grading/quiz/validate-answers.js';
import type { AttemptGrade, CheckGrade } from '../grading/attempt-grade.js';
import { formatCheckLine, formatFeedback } from './format-feedback.js';
import { CliUsageError, resolveAssessmentFile } from './resolve-assessment-file.js';

export interface GradeCommandOptions {
  assessment: string;
  kubeconfig: string;
  context?: string;
  namespace?: string;
  manifest?: string;
  answers?: string;
  json: boolean;
  requestTimeoutMs: number;
  /** Shortens the grader's waits, for a simulated cluster running faster than real time. */
  timeScale: number;
}

/**
 * A learner's own machine reaches its own clusters (kind, minikube, a LAN): loopback and private
 * ranges are allowed here, unlike in the service. Link-local and cloud metadata stay refused.
 */
const learnerMachinePolicy = parseOutboundPolicy({
  cidrs: '127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7',
  hosts: 'localhost',
});

/** `kubegrade grade`: the service's engine, run locally, with progress and feedback. */
export async function gradeCommand(
  options: GradeCommandOptions,
  io: { out: (text: string) => void; progress: (text: string) => void },
): Promise<{ exitCode: number; grade: AttemptGrade }> {
  const { file, folderId } = await resolveAssessmentFile(options.assessment);
  const assessment = parseAssessment({ bytes: await readFile(file), file, expectedId: folderId });
  const kubeconfig = await readText(options.kubeconfig, '--kubeconfig');
  const manifestFile = options.manifest ?? assessment.inputs.manifest;
  const manifest = options.manifest
    ? await readText(options.manifest, '--manifest')
    : await readFile(manifestFile, 'utf8').catch(() => '');
  parseManifest(manifest);
  const answers = options.answers
    ? validateAnswers(assessment, readAnswersYaml(await readText(options.answers, '--answers')))
    : {};

  const cluster = await connectLearnerCluster({
    access: {
      kubeconfig,
      ...(options.context ? { context: options.context } : {}),
      ...(options.namespace ? { namespace: options.namespace } : {}),
    },
    allowInsecureTls: assessment.inputs.allowInsecureTls,
    outbound: learnerMachinePolicy,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  io.progress(
    `grading ${assessment.title} (${assessment.id} ${assessment.version}) in namespace ${cluster.namespace}`,
  );
  let grade: AttemptGrade;
  try {
    // The service's grading use case, with the journal kept in memory (nothing is parked here:
    // the command waits with the learner).
    const graded = await gradeFromJournal({
      assessment,
      submission: { manifest, answers },
      journal: new AttemptJournal(),
      live: cluster.reader,
      namespace: cluster.namespace,
      clock: createScaledClock(options.timeScale),
      onCheckGraded: (check: CheckGrade) => io.progress(formatCheckLine(check)),
    });
    if (graded.status !== 'graded') throw new Error('grading parked without a parking policy');
    await graded.session.close();
    grade = graded.grade;
  } finally {
    cluster.close();
  }

  const couldNotLook = grade.checks.some((check) => check.outcome === 'error');
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          assessmentId: assessment.id,
          assessmentVersion: assessment.version,
          status: couldNotLook ? 'not_gradable' : 'graded',
          score: grade.score,
          maxScore: grade.maxScore,
          passed: grade.passed,
          checks: grade.checks,
          quiz: grade.quiz,
          kubernetesRequests: cluster.reader.requests.count,
        },
        null,
        2,
      ),
    );
  } else {
    io.out(
      formatFeedback(grade, { manifestFile: options.manifest ? options.manifest : manifestFile }),
    );
  }
  return { exitCode: couldNotLook ? 3 : grade.passed ? 0 : 1, grade };
}

/**
 * The answers file as YAML (JSON is YAML too). js-yaml's own message quotes the text around the
 * mistake, so only the position is passed on: an answer is the learner's, not for a log.
 */
function readAnswersYaml(text: string): unknown {
  try {
    return load(text) ?? {};
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const line = error.mark ? error.mark.line + 1 : null;
    throw new AppError(
      'ANSWER_INVALID',
      `The answers file is not valid YAML${line === null ? '' : ` (line ${line})`}.`,
      { questionId: null, line },
    );
  }
}

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new CliUsageError(`${flag}: cannot read ${path}`);
  }
}
