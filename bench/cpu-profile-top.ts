/**
 * The functions that spent the most CPU in a `node --cpu-prof` profile (self time, and the
 * share of all sampled time), for benchmark notes:
 *
 *   npx tsx bench/cpu-profile-top.ts <file.cpuprofile> [--top 15]
 */
import { parseArgs } from 'node:util';
import { summarizeCpuProfile } from './support/cpu-profile.js';

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '15' } },
  allowPositionals: true,
});
const file = positionals[0];
if (!file) throw new Error('usage: cpu-profile-top.ts <file.cpuprofile> [--top N]');
const summary = summarizeCpuProfile(file, Number(values.top));
console.log(
  `sampled ${(summary.sampledMs / 1000).toFixed(1)} s, busy ${(summary.busyMs / 1000).toFixed(1)} s`,
);
for (const entry of summary.top) {
  console.log(
    `${entry.percentOfBusy.toFixed(1).padStart(5)}%  ${String(entry.selfMs).padStart(7)} ms  ${entry.function}`,
  );
}
console.log('\ncharged to the nearest kubegrade caller:');
for (const entry of summary.byKubegradeCaller) {
  console.log(
    `${entry.percentOfBusy.toFixed(1).padStart(5)}%  ${String(entry.ms).padStart(7)} ms  ${entry.function}`,
  );
}
