import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `bin/kubegrade.js`: what `npx kubegrade` runs. */
export const kubegradeBin = fileURLToPath(new URL('../../bin/kubegrade.js', import.meta.url));

export interface KubegradeRun {
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stderr contains `text` (rejects if the process ends first). */
  stderrShows: (text: string) => Promise<void>;
  exit: Promise<number>;
}

/** Runs the real command in `cwd`, as a learner would from a terminal (here without a TTY). */
export function runKubegrade(
  args: string[],
  options: { cwd: string; stdin?: string },
): KubegradeRun {
  const child = spawn(process.execPath, [kubegradeBin, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const watchers: Array<{ text: string; resolve: () => void; reject: (error: Error) => void }> = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const watcher of watchers.filter((item) => stderr.includes(item.text))) {
      watchers.splice(watchers.indexOf(watcher), 1);
      watcher.resolve();
    }
  });
  child.stdin.end(options.stdin ?? '');
  const exit = new Promise<number>((resolve) => {
    child.on('close', (code) => {
      for (const watcher of watchers.splice(0)) {
        watcher.reject(
          new Error(`kubegrade ended before stderr showed "${watcher.text}":\n${stderr}`),
        );
      }
      resolve(code ?? -1);
    });
  });
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    stderrShows: (text) =>
      stderr.includes(text)
        ? Promise.resolve()
        : new Promise((resolve, reject) => watchers.push({ text, resolve, reject })),
    exit,
  };
}

export function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}
