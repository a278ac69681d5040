/**
 * The functions that spent the most CPU in a `node --cpu-prof` profile (self time, and the
 * share of all sampled time), for benchmark notes:
 *
 *   npx tsx bench/cpu-profile-top.ts <file.cpuprofile> [--top 15]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '15' } },
  allowPositionals: true,
});
const file = positionals[0];
if (!file) throw new Error('usage: cpu-profile-top.ts <file.cpuprofile> [--top N]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  const delta = profile.timeDeltas[i] ?? 0;
  if (!node) return;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^.*\/(node_modules|sim|src)\//, '$1/');
  const line = lineNumber > 0 ? `:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}${line}`.trim();
  selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
  total += delta;
});
const IDLE = '(idle)';
const busy = total - (selfUs.get(IDLE) ?? 0);
console.log(`sampled ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s`);
for (const [key, us] of [...selfUs.entries()]
  .filter(([k]) => k !== IDLE)
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(values.top))) {
  console.log(
    `${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`,
  );
}
