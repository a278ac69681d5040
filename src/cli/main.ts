import { parseArgs } from 'node:util';
import { isAppError } from '../errors/app-error.js';
import { adminCommand, adminUsage } from './admin-command.js';
import { gradeCommand } from './grade-command.js';
import { CliUsageError } from './resolve-assessment-file.js';
import { validateCommand } from './validate-command.js';

const usage = `usage:
  kubegrade grade <assessment> --kubeconfig <file> [--context <name>] [--namespace <ns>]
                  [--manifest <file>] [--answers <file>] [--json]
                  [--request-timeout-ms <ms>] [--time-scale <x>]
  kubegrade validate <assessment>
${adminUsage}

exit codes: 0 passed or valid, 1 not passed or invalid, 2 usage, 3 could not grade or input refused`;

/** Where the command writes: the result, errors, and progress while it grades. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  progress: (text: string) => void;
}

/** A namespace goes into request paths on the learner's cluster: a DNS label, nothing else. */
const namespacePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The `kubegrade` command. Returns the exit code; never exits the process itself. */
export async function runCli(
  argv: string[],
  io: CliIo = defaultIo,
  environment: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === 'admin') return await adminCommand(rest, io, environment);
    if (command === 'validate') {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      if (positionals.length !== 1) throw new CliUsageError('validate takes one assessment');
      return await validateCommand(positionals[0] as string, io.out);
    }
    if (command === 'grade') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
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
        io,
      );
      return exitCode;
    }
    throw new CliUsageError(command ? `unknown command "${command}"` : 'no command given');
  } catch (error) {
    if (error instanceof CliUsageError || (error instanceof TypeError && 'code' in error)) {
      io.err(`kubegrade: ${error.message}\n${usage}`);
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

function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new CliUsageError(`${flag} must be a positive number`);
  return value;
}

const defaultIo: CliIo = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
  progress: (text) => void process.stderr.write(`${text}\n`),
};
