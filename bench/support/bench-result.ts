import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The machine's state beside every figure: a loaded shared machine makes rates meaningless. */
export function machineLoad() {
  return {
    loadavg: loadavg().map((value) => +value.toFixed(2)),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
  };
}

/** Writes bench/results/<name>.json and prints it. */
export function writeBenchResult(name: string, result: Record<string, unknown>): void {
  const full = {
    benchmark: name,
    ...result,
    machine: machineLoad(),
    measuredAt: new Date().toISOString(),
  };
  console.log(JSON.stringify(full, null, 2));
  const directory = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(directory, { recursive: true });
  writeFileSync(`${directory}${name}.json`, `${JSON.stringify(full, null, 2)}\n`);
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux). */
export function processCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/**
 * CPU time (ms) of a process's main thread alone (JavaScript, the event loop), beside
 * processCpuMs, whose rest is V8's compiler and GC helper threads and libuv's pool.
 */
export function mainThreadCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuMs(file: string): number {
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, counted from 1; here from the state field (3).
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}
