import type { CheckGrade } from '../grading/attempt-grade.js';
import type { GradingClock } from '../grading/grading-clock.js';
import type { GradingWait } from '../grading/grading-wait.js';
import { formatCheckLine } from './format-feedback.js';

/** Where progress goes: stderr. `live` when it is a terminal that can redraw a status line. */
export interface ProgressIo {
  /** A line that stays. */
  progress: (text: string) => void;
  /** Replaces the status line on a terminal; not called when `live` is false. */
  status: (text: string) => void;
  live: boolean;
}

/** How often a piped (non-terminal) stderr gets a countdown line, in grading seconds. */
const pipedStepSeconds = 30;

/**
 * Turns the grader's callbacks into what a learner at a terminal needs: which check finished,
 * and above all what to do while the grader waits ("now delete the Pod"), with a countdown
 * on the grading clock. On a terminal the check lines and the countdown redraw one status line,
 * so the report on stdout is the only place each check is printed for good.
 */
export function createGradeProgress(options: {
  io: ProgressIo;
  clock: GradingClock;
  checkCount: number;
  /** Real milliseconds between countdown ticks. */
  tickMs: number;
}) {
  const { io, clock } = options;
  let graded = 0;
  let timer: NodeJS.Timeout | undefined;
  let lastPipedStep: number | undefined;

  const stopCountdown = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    lastPipedStep = undefined;
  };

  const countdown = (deadline: Date, describe: (seconds: number) => string): void => {
    stopCountdown();
    const tick = (): void => {
      const seconds = Math.max(0, Math.ceil((deadline.getTime() - clock.now().getTime()) / 1000));
      if (io.live) {
        io.status(describe(seconds));
        return;
      }
      const step = Math.ceil(seconds / pipedStepSeconds);
      if (step !== lastPipedStep) {
        lastPipedStep = step;
        io.progress(describe(seconds));
      }
    };
    tick();
    timer = setInterval(tick, options.tickMs);
    timer.unref();
  };

  return {
    onCheckGraded(check: CheckGrade): void {
      stopCountdown();
      graded += 1;
      const line = `[${graded}/${options.checkCount}] ${formatCheckLine(check)}`;
      if (io.live) io.status(line);
      else io.progress(line);
    },
    onWaiting(wait: GradingWait): void {
      const target = wait.namespace === 'default' ? wait.pod : `${wait.pod} -n ${wait.namespace}`;
      if (wait.action === 'pod-running') {
        countdown(
          wait.deadline,
          (seconds) => `waiting for ${wait.pod} to be Running: ${formatSeconds(seconds)} left`,
        );
      } else if (wait.action === 'delete-pod') {
        stopCountdown();
        if (io.live) io.status('');
        io.progress(`The running moment is recorded: ${wait.pod} runs.`);
        io.progress(`now delete the Pod: kubectl delete pod ${target}`);
        countdown(
          wait.deadline,
          (seconds) => `waiting for you to delete ${wait.pod}: ${formatSeconds(seconds)} left`,
        );
      } else {
        stopCountdown();
        if (io.live) io.status('');
        io.progress(`${wait.pod} is deleted; checking that nothing brings it back.`);
        countdown(
          wait.deadline,
          (seconds) => `watching that ${wait.pod} stays deleted: ${formatSeconds(seconds)} left`,
        );
      }
    },
    stop(): void {
      stopCountdown();
      if (io.live) io.status('');
    },
  };
}

/** 300 → "5:00", 42 → "0:42". */
export function formatSeconds(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
