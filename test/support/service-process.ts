import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { awaitCondition } from './await-condition.js';

/**
 * The real service programs (the API, the worker) run as child processes, the way an operator
 * runs them: one node process with tsx loaded (`node --import tsx`), so signals reach it.
 */

export interface ServiceProcess {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  /** Resolves with the exit code (null when killed by a signal, with `signal` set). */
  exited: Promise<number | null>;
  signal(): NodeJS.Signals | null;
  /** The JSON log lines written so far. */
  logLines(): Array<Record<string, unknown>>;
  /** Resolves once a log line with this `msg` was written; fails if the process ends first. */
  waitForLog(msg: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** For jest.setTimeout in files that start processes: starting them is slow on a busy machine. */
export const processTestTimeoutMs = 180_000;

export function startServiceProcess(
  entry: string,
  env: Record<string, string>,
  options: { command?: string; args?: string[] } = {},
): ServiceProcess {
  const child = spawn(
    options.command ?? process.execPath,
    options.args ?? ['--import', 'tsx', entry],
    {
      // METRICS_PORT 0: a free port, so services of parallel test runs never collide on 9464.
      env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'info', METRICS_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  let exitSignal: NodeJS.Signals | null = null;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      exitSignal = signal;
      resolve(code);
    }),
  );
  const logLines = () =>
    output.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    child,
    output,
    exited,
    signal: () => exitSignal,
    logLines,
    waitForLog: async (msg) => {
      let line: Record<string, unknown> | undefined;
      await waitFor(() => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `process ended before logging "${msg}":\n${output.stdout}${output.stderr}`,
          );
        }
        line = logLines().find((entry) => entry.msg === msg);
        return line !== undefined;
      }, `the log line "${msg}"`);
      return line!;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/**
 * Awaits a condition. The bound only turns a hang into a readable failure; it is not a timing
 * claim, so it is generous (starting a process through tsx on a loaded machine takes a while).
 */
export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 90_000,
): Promise<void> {
  await awaitCondition(what, async () => ((await condition()) ? true : undefined), timeoutMs, 50);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
