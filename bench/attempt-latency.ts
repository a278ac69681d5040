/**
 * How long one attempt takes from POST to graded, on this machine, through the real API server,
 * PostgreSQL, Redis and a BullMQ worker. Prints the figures and writes bench/results/.
 *
 *   npm run bench:latency [-- --attempts 50]
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { openTestServices } from '../test/support/test-services.js';
import {
  fixtureAssessmentsDirectory,
  manifestOnlyAssessmentId,
  referenceManifest,
} from '../test/support/first-pod-fixtures.js';

const count = Number(process.argv[process.argv.indexOf('--attempts') + 1]) || 50;
// Manifest-only: this measures the service's own path, not a learner cluster's waits.
const services = await openTestServices({ assessmentsDirectory: fixtureAssessmentsDirectory });
services.startWorker({ concurrency: 1 });
const server: Server = await new Promise((resolve) => {
  const listening = services.app.listen(0, '127.0.0.1', () => resolve(listening));
});
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function gradeOne(index: number): Promise<number> {
  const started = performance.now();
  const posted = await fetch(`${base}/v1/attempts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${services.tenant.key}` },
    body: JSON.stringify({
      assessmentId: manifestOnlyAssessmentId,
      learnerId: `bench-${index}`,
      manifest: referenceManifest,
      answers: { 'pending-causes': 'FailedScheduling for lack of cpu, or ErrImagePull' },
    }),
  });
  const { id } = (await posted.json()) as { id: string };
  // Poll as an integration would, but tightly, so the figure is the grader's and not the poll's.
  for (;;) {
    const read = await fetch(`${base}/v1/attempts/${id}`, {
      headers: { authorization: `Bearer ${services.tenant.key}` },
    });
    const body = (await read.json()) as { status: string };
    if (body.status === 'graded' || body.status === 'not_gradable') break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return performance.now() - started;
}

await gradeOne(-1); // warm-up: first Prisma query plans, first BullMQ scripts
const samples: number[] = [];
for (let i = 0; i < count; i += 1) samples.push(await gradeOne(i));
samples.sort((a, b) => a - b);
const at = (q: number) =>
  samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
const result = {
  benchmark: 'attempt-post-to-graded',
  attempts: count,
  workerConcurrency: 1,
  ms: {
    p50: +at(0.5).toFixed(1),
    p90: +at(0.9).toFixed(1),
    p99: +at(0.99).toFixed(1),
    max: +(samples.at(-1) ?? NaN).toFixed(1),
  },
  node: process.version,
  measuredAt: new Date().toISOString(),
};
console.log(JSON.stringify(result, null, 2));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
writeFileSync(`${resultsDir}attempt-latency.json`, `${JSON.stringify(result, null, 2)}\n`);

server.close();
await services.close();
