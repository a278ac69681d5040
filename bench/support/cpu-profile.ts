import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * A stretch of the profiled process's life, in microseconds of the monotonic clock (what
 * `process.hrtime.bigint() / 1000n` reads in any process on the machine, and what V8 stamps
 * its samples with on Linux).
 */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

export interface CpuProfileSummary {
  sampledMs: number;
  busyMs: number;
  /** Functions by self time, with their share of the busy (non-idle) time. */
  top: Array<{ function: string; selfMs: number; percentOfBusy: number }>;
  /**
   * The same time charged to the nearest kubegrade function on the stack (src/, worker/, sim/):
   * which of our own calls the libraries' time was spent for.
   */
  byKubegradeCaller: Array<{ function: string; ms: number; percentOfBusy: number }>;
}

/** The functions that spent the most CPU (self time) in a `node --cpu-prof` profile. */
export function summarizeCpuProfile(
  file: string,
  top = 15,
  window?: ProfileWindow,
): CpuProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  let at = profile.startTime;
  const inWindow = profile.timeDeltas.map((delta) => {
    at += delta;
    return window === undefined || (at >= window.fromUs && at <= window.toUs);
  });
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  const ours = /\/(src|worker|sim)\/(?!generated\/)/;
  const callerOf = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && ours.test(frame.url)) return label(frame);
    }
    return '(no kubegrade frame)';
  };
  const callerUs = new Map<string, number>();
  const selfUs = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    if (!inWindow[i]) return;
    const node = byId.get(id);
    const delta = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    const key = label(node.callFrame);
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
    if (key !== '(idle)') {
      const caller = callerOf(id);
      callerUs.set(caller, (callerUs.get(caller) ?? 0) + delta);
    }
    total += delta;
  });
  const idle = '(idle)';
  const busy = total - (selfUs.get(idle) ?? 0);
  return {
    sampledMs: Math.round(total / 1000),
    busyMs: Math.round(busy / 1000),
    top: [...selfUs.entries()]
      .filter(([key]) => key !== idle)
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => ({
        function: key,
        selfMs: Math.round(us / 1000),
        percentOfBusy: +((100 * us) / Math.max(1, busy)).toFixed(1),
      })),
    byKubegradeCaller: [...callerUs.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => ({
        function: key,
        ms: Math.round(us / 1000),
        percentOfBusy: +((100 * us) / Math.max(1, busy)).toFixed(1),
      })),
  };
}

function label({ functionName, url, lineNumber }: ProfileNode['callFrame']): string {
  const where = url.replace(/^.*\/(node_modules|sim|src|worker)\//, '$1/');
  const line = lineNumber > 0 ? `:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}${line}`.trim();
}

/** The one .cpuprofile a process wrote into `directory` (node --cpu-prof-dir), if any. */
export function findCpuProfile(directory: string): string | undefined {
  const name = readdirSync(directory).find((file) => file.endsWith('.cpuprofile'));
  return name === undefined ? undefined : join(directory, name);
}
