import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** CPU time (ms) of a process and all its descendants still running (cluster workers). */
export function processTreeCpuMs(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = Number(
        readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1],
      );
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while the table was read.
    }
  }
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const next = pending.pop()!;
    try {
      total += processCpuMs(next);
    } catch {
      continue;
    }
    pending.push(...(children.get(next) ?? []));
  }
  return total;
}

/** Busy CPU time (ms) of the whole machine so far, all cores, from /proc/stat. */
export function machineBusyCpuMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return ((user! + nice! + system! + irq! + softirq! + steal!) * 1000) / 100;
}
