import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { isAppError } from '../errors/app-error.js';
import { adminCommand, adminUsage } from './admin-command.js';
import { createTerminalAsk, type AskLine } from './ask-quiz.js';
import { exportHelp, generalHelp, gradeHelp, selftestHelp, validateHelp } from './cli-help.js';
import { selftestCommand, type ScenarioPlayer } from './selftest-command.js';
import { gradeCommand } from './grade-command.js';
import { CliMissingFileError } from './grade-inputs.js';
import { describeQuiz } from './describe-quiz.js';
import { CliUsageError } from './resolve-assessment-file.js';
import { validateCommand } from './validate-command.js';

/** Where the command writes: the result (stdout), errors and progress (stderr). */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** A progress line that stays (stderr). */
  progress: (text: string) => void;
  /** Redraws the one status line of a terminal (stderr); only used when `live`. */
  status?: (text: string) => void;
  /** stderr is a terminal (default false: progress comes as whole lines). */
  live?: boolean;
  /** Where `export` streams its file; process.stdout by default. */
  stdout?: Writable;
  /** Present when stdin is a terminal, so the quiz can be asked. */
  ask?: AskLine;
}

/** A namespace goes into request paths on the learner's cluster: a DNS label, nothing else. */
const namespacePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const adminHelp = `usage:\n${adminUsage}\n\nOperator commands on the database named by DATABASE_URL.`;

const helpOption = { help: { type: 'boolean', short: 'h', default: false } } as const;

/** The `kubegrade` command. Returns the exit code; never exits the process itself. */
export async function runCli(
  argv: string[],
  io: CliIo = defaultIo(),
  environment: NodeJS.ProcessEnv = process.env,
  /** Plays self-test scenarios on a simulated cluster (wired by bin/kubegrade.js, or a test). */
  playScenario?: ScenarioPlayer,
): Promise<number> {
  const [command, ...rest] = argv;
  const usageOf =
    command === 'grade'
      ? gradeHelp
      : command === 'validate'
        ? validateHelp
        : command === 'export'
          ? exportHelp
          : command === 'selftest'
            ? selftestHelp
            : generalHelp;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      const topic = command === 'help' ? rest[0] : undefined;
      io.out(
        topic === 'grade'
          ? gradeHelp
          : topic === 'validate'
            ? validateHelp
            : topic === 'export'
              ? exportHelp
              : topic === 'admin'
                ? adminHelp
                : topic === 'selftest'
                  ? selftestHelp
                  : generalHelp,
      );
      return command === undefined ? 2 : 0;
    }
    if (command === 'admin') {
      if (rest.includes('--help') || rest.includes('-h')) return printed(io, adminHelp);
      return await adminCommand(rest, io, environment);
    }
    if (command === 'validate') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: helpOption,
      });
      if (values.help) return printed(io, validateHelp);
      if (positionals.length !== 1) throw new CliUsageError('validate takes one assessment');
      return await validateCommand(positionals[0] as string, io.out);
    }
    if (command === 'selftest') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { ...helpOption, only: { type: 'string' } },
      });
      if (values.help) return printed(io, selftestHelp);
      if (positionals.length !== 1) throw new CliUsageError('selftest takes one assessment');
      if (playScenario === undefined)
        throw new CliUsageError('selftest needs the simulated cluster: run it as npx kubegrade');
      return await selftestCommand({
        name: positionals[0] as string,
        only: values.only,
        play: playScenario,
        out: io.out,
      });
    }
    if (command === 'export') {
      const { runExportCommand } = await import('./export-command.js');
      return await runExportCommand(rest, io);
    }
    if (command === 'grade') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          ...helpOption,
          kubeconfig: { type: 'string' },
          context: { type: 'string' },
          namespace: { type: 'string' },
          manifest: { type: 'string' },
          answers: { type: 'string' },
          json: { type: 'boolean', default: false },
          'request-timeout-ms': { type: 'string', default: '10000' },
          // For simulated clusters that run faster than real time (demos, rubric self-tests).
          'time-scale': { type: 'string', default: '1' },
        },
      });
      if (values.help) {
        const quiz = positionals.length === 1 ? await describeQuiz(positionals[0] as string) : '';
        return printed(io, quiz === '' ? gradeHelp : `${gradeHelp}\n\n${quiz}`);
      }
      if (positionals.length !== 1) throw new CliUsageError('grade takes one assessment');
      if (!values.kubeconfig) throw new CliUsageError('grade needs --kubeconfig <file>');
      if (values.namespace !== undefined && !namespacePattern.test(values.namespace)) {
        throw new CliUsageError('--namespace must be a Kubernetes namespace name (a DNS label)');
      }
      const { exitCode } = await gradeCommand(
        {
          assessment: positionals[0] as string,
          kubeconfig: values.kubeconfig,
          ...(values.context ? { context: values.context } : {}),
          ...(values.namespace ? { namespace: values.namespace } : {}),
          ...(values.manifest ? { manifest: values.manifest } : {}),
          ...(values.answers ? { answers: values.answers } : {}),
          json: values.json,
          requestTimeoutMs: positiveNumber(values['request-timeout-ms'], '--request-timeout-ms'),
          timeScale: positiveNumber(values['time-scale'], '--time-scale'),
        },
        { ...io, status: io.status ?? (() => undefined), live: io.live ?? false },
      );
      return exitCode;
    }
    throw new CliUsageError(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof CliMissingFileError) {
      io.err(`kubegrade: ${error.message}`);
      io.err(`(kubegrade ${command ?? ''} --help explains the options)`);
      return 2;
    }
    if (error instanceof CliUsageError || (error instanceof TypeError && 'code' in error)) {
      io.err(`kubegrade: ${error.message}\n${usageOf}`);
      return 2;
    }
    if (isAppError(error)) {
      // The same stable codes as the API, so a learner can look them up.
      io.err(`kubegrade: ${error.code}: ${error.message}`);
      if (Object.keys(error.details).length > 0) io.err(JSON.stringify(error.details));
      return 3;
    }
    throw error;
  }
}

function printed(io: CliIo, text: string): number {
  io.out(text);
  return 0;
}

function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new CliUsageError(`${flag} must be a positive number`);
  return value;
}

/** The process's own streams: a status line only on a terminal, questions only from one. */
export function defaultIo(): CliIo {
  const live = process.stderr.isTTY === true;
  let statusShown = false;
  const clearStatus = (): void => {
    if (statusShown) process.stderr.write('\r\x1b[K');
    statusShown = false;
  };
  const ask =
    process.stdin.isTTY === true ? createTerminalAsk(process.stdin, process.stderr) : undefined;
  return {
    out: (text) => void process.stdout.write(`${text}\n`),
    err: (text) => {
      clearStatus();
      process.stderr.write(`${text}\n`);
    },
    progress: (text) => {
      clearStatus();
      process.stderr.write(`${text}\n`);
    },
    status: (text) => {
      process.stderr.write(`\r\x1b[K${text}`);
      statusShown = text !== '';
    },
    live,
    ...(ask === undefined
      ? {}
      : {
          ask: async (prompt: string) => {
            clearStatus();
            const answer = await ask(prompt);
            return answer;
          },
        }),
  };
}
