import { connectLearnerCluster } from '../cluster/connect-learner-cluster.js';
import { parseOutboundPolicy } from '../cluster/outbound/outbound-policy.js';
import { roundToHundredths, type Assessment } from '../assessments/assessment.js';
import type { AttemptGrade, CheckGrade, QuizAnswers, QuizGrade } from '../grading/attempt-grade.js';
import { gradeFromJournal } from '../grading/grade-from-journal.js';
import { AttemptJournal } from '../grading/journal/attempt-journal.js';
import { createScaledClock } from '../grading/grading-clock.js';
import { gradeQuiz } from '../grading/quiz/grade-quiz.js';
import { askQuiz, type AskLine } from './ask-quiz.js';
import { formatFeedback } from './format-feedback.js';
import { readGradeInputs } from './grade-inputs.js';
import { createGradeProgress, type ProgressIo } from './grade-progress.js';
import {
  nextStepsAfterPodNeverRan,
  PodNeverRan,
  stopWhenPodNeverRuns,
} from './stop-when-pod-never-runs.js';

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

export interface GradeCommandIo extends ProgressIo {
  out: (text: string) => void;
  /** Present when stdin is a terminal: the quiz is then asked when no answers file is given. */
  ask?: AskLine;
}

/**
 * A learner's own machine reaches its own clusters (kind, minikube, a LAN): loopback and private
 * ranges are allowed here, unlike in the service. Link-local and cloud metadata stay refused.
 */
const learnerMachinePolicy = parseOutboundPolicy({
  cidrs: '127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7',
  hosts: 'localhost',
});

/** `kubegrade grade`: the service's engine, run locally, guiding the learner while it waits. */
export async function gradeCommand(
  options: GradeCommandOptions,
  io: GradeCommandIo,
): Promise<{ exitCode: number; grade: AttemptGrade | undefined }> {
  const inputs = await readGradeInputs(options);
  const { assessment } = inputs;
  const answers = inputs.answers ?? (await askWhenInteractive(assessment, io));

  const cluster = await connectLearnerCluster({
    access: {
      kubeconfig: inputs.kubeconfig,
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
  const clock = createScaledClock(options.timeScale);
  const progress = createGradeProgress({
    io,
    clock,
    checkCount: assessment.checks.length,
    tickMs: Math.max(50, 1000 / options.timeScale),
  });
  const stopper = stopWhenPodNeverRuns(assessment);
  const graded: CheckGrade[] = [];
  let grade: AttemptGrade | undefined;
  let stop: PodNeverRan | undefined;
  try {
    // The service's grading use case, with the journal kept in memory (nothing is parked here:
    // the command waits with the learner).
    const result = await gradeFromJournal({
      assessment,
      submission: { manifest: inputs.manifest, answers },
      journal: new AttemptJournal(),
      live: cluster.reader,
      namespace: cluster.namespace,
      clock,
      signal: stopper.signal,
      onCheckGraded: (check) => {
        graded.push(check);
        progress.onCheckGraded(check);
        stopper.observe(check);
      },
      onWaiting: (wait) => progress.onWaiting(wait),
    });
    if (result.status !== 'graded') throw new Error('grading parked without a parking policy');
    await result.session.close();
    grade = result.grade;
  } catch (error) {
    if (!(error instanceof PodNeverRan)) throw error;
    stop = error;
  } finally {
    progress.stop();
    cluster.close();
  }

  const checks = grade?.checks ?? graded;
  const quiz = grade?.quiz ?? gradeQuiz({ questions: assessment.quiz, answers });
  const score = grade?.score ?? sumPoints(checks, quiz);
  const passed = grade?.passed ?? false;
  const couldNotLook = checks.some((check) => check.outcome === 'error');
  const status = stop !== undefined ? 'stopped_early' : couldNotLook ? 'not_gradable' : 'graded';
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          assessmentId: assessment.id,
          assessmentVersion: assessment.version,
          status,
          score,
          maxScore: assessment.maxScore,
          passed,
          checks,
          quiz,
          ...(stop === undefined
            ? {}
            : { notGraded: assessment.checks.slice(checks.length).map((check) => check.id) }),
          kubernetesRequests: cluster.reader.requests.count,
        },
        null,
        2,
      ),
    );
  } else {
    io.out(
      formatFeedback({
        heading: `${assessment.title} (${assessment.id} ${assessment.version}), namespace ${cluster.namespace}`,
        checks,
        quiz,
        score,
        maxScore: assessment.maxScore,
        passed,
        manifestFile: inputs.manifestFile,
        ...(stop === undefined
          ? {}
          : {
              stoppedEarly: [
                `Grading stopped early: ${stop.pod} never reached Running, so the ${assessment.checks.length - checks.length} checks after it, which need it running, were not graded.`,
                'What to do:',
                ...nextStepsAfterPodNeverRan({
                  stop,
                  manifestFile: inputs.manifestFile,
                  namespace: cluster.namespace,
                  gradeCommand: `kubegrade grade ${options.assessment} --kubeconfig ${options.kubeconfig}`,
                }),
              ],
            }),
      }),
    );
  }
  return { exitCode: status === 'not_gradable' ? 3 : passed ? 0 : 1, grade };
}

async function askWhenInteractive(
  assessment: Assessment,
  io: GradeCommandIo,
): Promise<QuizAnswers> {
  if (io.ask === undefined || assessment.quiz.length === 0) return {};
  io.progress(`${assessment.title}: ${assessment.quiz.length} quiz question(s) first.`);
  return askQuiz(assessment.quiz, io.ask, io.progress);
}

function sumPoints(checks: readonly CheckGrade[], quiz: readonly QuizGrade[]): number {
  return roundToHundredths([...checks, ...quiz].reduce((sum, item) => sum + item.points, 0));
}
