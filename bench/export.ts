/**
 * Export: 100,000 graded attempts (a check row per rubric check, a quiz answer each) seeded by
 * SQL bulk inserts into a database of its own, then streamed as CSV through a real API process
 * (GET /v1/results/export, one row per attempt and one per learner). Samples the API process's
 * RSS from /proc while the file streams, to show memory stays flat, parses the CSV back with
 * csv-parse as it arrives, and checks its numbers against PostgreSQL's own sums.
 *
 *   npm run bench:export [-- --attempts 100000 --learners 20000 --without-learner-index]
 * Writes bench/results/export.json. Targets: peak RSS growth during the export <= 64 MB, and no
 * growth between the first and the last quarter of the file beyond noise.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import pg from 'pg';
import { loadAssessmentCatalog } from '../src/assessments/assessment-catalog.js';
import { migrateDatabase } from '../src/db/migrator.js';
import { createPrismaClient } from '../src/db/prisma-client.js';
import { createLogger } from '../src/logging/logger.js';
import { createApiKey } from '../src/tenants/create-api-key.js';
import { createTenant } from '../src/tenants/create-tenant.js';
import { TenantRepository } from '../src/tenants/tenant-repository.js';
import { writeBenchResult } from './support/bench-result.js';
import { serviceCommand } from './support/service-entry.js';

const { values } = parseArgs({
  options: {
    attempts: { type: 'string', default: '100000' },
    learners: { type: 'string', default: '20000' },
    /** Measure without the (tenant, assessment, learner, received_at) index, for comparison. */
    'without-learner-index': { type: 'boolean', default: false },
  },
});
const attemptCount = Number(values.attempts);
const learnerCount = Number(values.learners);
const rssBudgetMb = 64;
const adminUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/kubegrade';
const databaseName = `kubegrade_bench_export_${randomUUID().slice(0, 8)}`;
const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${databaseName}`);
const port = 20_000 + Math.floor(Math.random() * 20_000);
const base = `http://127.0.0.1:${port}`;

await migrateDatabase({ databaseUrl, logger: createLogger({ level: 'warn', name: 'bench' }) });
const prisma = createPrismaClient({ databaseUrl });
const tenants = new TenantRepository(prisma);
const tenant = await createTenant({ tenants }, { name: `bench-export-${process.pid}` });
const { key } = await createApiKey(
  { tenants },
  { tenantName: tenant.name, scopes: ['results:read'] },
);
await prisma.$disconnect();

const catalog = await loadAssessmentCatalog();
const rubric = catalog.get('first-pod');
if (!rubric) throw new Error('assessments/first-pod is missing');
const question = rubric.quiz[0];
if (!question) throw new Error('first-pod has no quiz question');

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
const seedStarted = performance.now();
await seed();
const seedMs = Math.round(performance.now() - seedStarted);
console.error(`seeded ${attemptCount} attempts in ${seedMs} ms`);
const expected = await databaseFigures();

// A small, fixed heap: an export that held its rows would run out of it long before 100,000
// attempts, and V8 collects within it instead of growing the heap because it may.
const heapLimitMb = 128;
const api = serviceCommand('src/http/main.ts', [`--max-old-space-size=${heapLimitMb}`]);
const apiProcess = spawn(api.command, api.args, {
  env: {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    QUEUE_NAME: `bench-export-${process.pid}`,
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  await waitUntilReady();
  const perAttempt = await streamExport('attempt');
  const perLearner = await streamExport('learner');

  const attemptNumbers = perAttempt.figures as AttemptFigures;
  const learnerNumbers = perLearner.figures as LearnerFigures;
  const matches = {
    rows: attemptNumbers.rows === expected.attempts,
    scoreSumCents: attemptNumbers.scoreCents === expected.scoreCents,
    passed: attemptNumbers.passed === expected.passed,
    checkPointCents: attemptNumbers.checkCents === expected.checkCents,
    quizPointCents: attemptNumbers.quizCents === expected.quizCents,
    learnerRows: learnerNumbers.rows === expected.learners,
    bestScoreSumCents: learnerNumbers.bestScoreCents === expected.bestScoreCents,
    learnerAttempts: learnerNumbers.attempts === expected.attempts,
  };
  const flat = (run: ExportRun) =>
    run.rss.peakMb - run.rss.baselineMb <= rssBudgetMb &&
    run.rss.lastQuarterPeakMb - run.rss.firstQuarterPeakMb <= rssBudgetMb / 2;

  writeBenchResult(values['without-learner-index'] ? 'export-without-learner-index' : 'export', {
    attempts: attemptCount,
    learners: learnerCount,
    checksPerAttempt: rubric.checks.length,
    learnerIndex: !values['without-learner-index'],
    seed: { ms: seedMs, how: 'INSERT ... SELECT from generate_series, one statement per table' },
    compiled: api.compiled,
    perAttempt: withoutFigures(perAttempt),
    perLearner: withoutFigures(perLearner),
    parsedBack: { parser: 'csv-parse (streaming)', matches, database: expected },
    memory: {
      apiHeapLimitMb: heapLimitMb,
      budgetMb: rssBudgetMb,
      flat: flat(perAttempt) && flat(perLearner),
      how: 'VmRSS of the API process from /proc every 20 ms; baseline just before each export',
    },
  });
  const failed = Object.entries(matches).filter(([, ok]) => !ok);
  if (failed.length > 0) {
    throw new Error(`the CSV does not match the database: ${failed.map(([name]) => name)}`);
  }
  if (!flat(perAttempt) || !flat(perLearner)) throw new Error('memory grew during the export');
} finally {
  apiProcess.kill('SIGTERM');
  await new Promise((resolve) => apiProcess.once('exit', resolve));
  await client.end();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName)} WITH (FORCE)`);
  await admin.end();
}

/**
 * The rows a worker would have left, written by PostgreSQL itself: attempt n belongs to learner
 * n mod learners and course n mod 4; check k fails when (n + k) mod 4 = 0, the quiz earns
 * (n mod 5) of its points in fifths, so every number differs from its neighbours.
 */
async function seed(): Promise<void> {
  await client.query(
    `INSERT INTO assessments (id, version, content_hash, title, source)
     VALUES ($1, $2, $3, $4, $5)`,
    [rubric!.id, rubric!.version, 'e'.repeat(64), rubric!.title, 'id: first-pod'],
  );
  await client.query(
    `CREATE TEMP TABLE seed AS
       SELECT n, gen_random_uuid() AS id,
              timestamptz '2026-09-01' + n * interval '7 seconds' AS received_at
         FROM generate_series(1, $1::int) AS n`,
    [attemptCount],
  );
  await client.query(
    `INSERT INTO attempts (id, tenant_id, assessment_id, assessment_version, learner_id,
                           course_id, status, manifest, submitted_answers, max_score,
                           grading_runs, received_at, started_at, finished_at)
     SELECT s.id, $1, $2, $3, 'learner-' || (s.n % $4), 'course-' || (s.n % 4), 'graded',
            'kind: Pod', '{}', $5, 1, s.received_at, s.received_at + interval '1 second',
            s.received_at + interval '40 seconds'
       FROM seed s`,
    [tenant.id, rubric!.id, rubric!.version, learnerCount, rubric!.maxScore],
  );
  const checks = rubric!.checks.map((check, position) => ({
    id: check.id,
    position,
    title: check.title,
    points: check.points,
  }));
  await client.query(
    `INSERT INTO check_results (attempt_id, check_id, position, title, outcome, points_awarded,
                                points_possible, message, details)
     SELECT s.id, c.id, c.position, c.title,
            (CASE WHEN (s.n + c.position) % 4 = 0 THEN 'failed' ELSE 'passed' END)::check_outcome,
            CASE WHEN (s.n + c.position) % 4 = 0 THEN 0 ELSE c.points END, c.points,
            'seeded', '{}'
       FROM seed s
            CROSS JOIN json_to_recordset($1::json) AS c(id text, position int, title text,
                                                         points numeric)`,
    [JSON.stringify(checks)],
  );
  await client.query(
    `INSERT INTO quiz_answers (attempt_id, question_id, position, answer, matched_concepts,
                               points_awarded, points_possible)
     SELECT s.id, $1, 0, to_jsonb('answer number ' || s.n),
            CASE WHEN s.n % 5 = 0 THEN ARRAY[]::text[] ELSE ARRAY['concept-a'] END,
            round($2::numeric * (s.n % 5) / 5, 2), $2
       FROM seed s`,
    [question!.id, question!.points],
  );
  await client.query(
    `UPDATE attempts a SET score = t.score, passed = t.score >= $1
       FROM (SELECT attempt_id, sum(points) AS score FROM (
               SELECT attempt_id, points_awarded AS points FROM check_results
               UNION ALL
               SELECT attempt_id, points_awarded FROM quiz_answers) items
             GROUP BY attempt_id) t
      WHERE a.id = t.attempt_id`,
    [rubric!.passingScore * rubric!.maxScore],
  );
  if (values['without-learner-index']) {
    await client.query('DROP INDEX attempts_tenant_id_assessment_id_learner_id_received_at_idx');
  }
  await client.query('ANALYZE attempts; ANALYZE check_results; ANALYZE quiz_answers');
}

/** The database's own figures, in cents so that sums compare exactly. */
async function databaseFigures() {
  const cents = (sql: string) =>
    client.query(sql).then((result) => Number((result.rows[0] as { v: string }).v));
  return {
    attempts: await cents('SELECT count(*) AS v FROM attempts'),
    learners: await cents('SELECT count(DISTINCT learner_id) AS v FROM attempts'),
    passed: await cents('SELECT count(*) AS v FROM attempts WHERE passed'),
    scoreCents: await cents('SELECT (sum(score) * 100)::bigint AS v FROM attempts'),
    checkCents: await cents('SELECT (sum(points_awarded) * 100)::bigint AS v FROM check_results'),
    quizCents: await cents('SELECT (sum(points_awarded) * 100)::bigint AS v FROM quiz_answers'),
    bestScoreCents: await cents(
      `SELECT (sum(best) * 100)::bigint AS v FROM (
         SELECT max(score) AS best FROM attempts GROUP BY learner_id) per_learner`,
    ),
  };
}

interface AttemptFigures {
  rows: number;
  scoreCents: number;
  passed: number;
  checkCents: number;
  quizCents: number;
}
interface LearnerFigures {
  rows: number;
  bestScoreCents: number;
  attempts: number;
}

interface ExportRun {
  per: 'attempt' | 'learner';
  ms: number;
  firstByteMs: number;
  megabytes: number;
  rowsPerSecond: number;
  rss: {
    baselineMb: number;
    peakMb: number;
    firstQuarterPeakMb: number;
    lastQuarterPeakMb: number;
    /** RSS at each tenth of the file, in MB: flat means these stay level. */
    byTenthMb: number[];
  };
  figures: AttemptFigures | LearnerFigures;
}

function withoutFigures(run: ExportRun): Omit<ExportRun, 'figures'> {
  const { figures: _figures, ...rest } = run;
  return rest;
}

/** Streams one export through the API, parsing it as it arrives, sampling the API's RSS. */
async function streamExport(per: 'attempt' | 'learner'): Promise<ExportRun> {
  const rows = per === 'attempt' ? expected.attempts : expected.learners;
  const baselineMb = rssMb(apiProcess.pid!);
  const samples: Array<{ rowsSeen: number; mb: number }> = [];
  let rowsSeen = 0;
  const sampler = setInterval(() => samples.push({ rowsSeen, mb: rssMb(apiProcess.pid!) }), 20);
  const started = performance.now();
  const response = await fetch(`${base}/v1/results/export?format=csv&per=${per}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const firstByteMs = Math.round(performance.now() - started);
  if (response.status !== 200 || !response.body) {
    throw new Error(`export answered ${response.status}: ${await response.text()}`);
  }
  let bytes = 0;
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => (bytes += chunk.length));
  const parser = body.pipe(parse({ columns: true }));
  const attemptFigures: AttemptFigures = {
    rows: 0,
    scoreCents: 0,
    passed: 0,
    checkCents: 0,
    quizCents: 0,
  };
  const learnerFigures: LearnerFigures = { rows: 0, bestScoreCents: 0, attempts: 0 };
  const cents = (text: string | undefined) => Math.round(Number(text ?? '0') * 100);
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    rowsSeen += 1;
    if (per === 'attempt') {
      attemptFigures.rows += 1;
      attemptFigures.scoreCents += cents(record.score);
      if (record.passed === 'true') attemptFigures.passed += 1;
      for (const check of rubric!.checks)
        attemptFigures.checkCents += cents(record[`check:${check.id}`]);
      attemptFigures.quizCents += cents(record[`quiz:${question!.id}`]);
    } else {
      learnerFigures.rows += 1;
      learnerFigures.bestScoreCents += cents(record.best_score);
      learnerFigures.attempts += Number(record.attempts);
    }
  }
  const ms = Math.round(performance.now() - started);
  clearInterval(sampler);
  samples.push({ rowsSeen, mb: rssMb(apiProcess.pid!) });
  const within = (from: number, to: number) =>
    samples.filter((s) => s.rowsSeen >= from * rows && s.rowsSeen <= to * rows).map((s) => s.mb);
  const peak = (list: number[]) => (list.length === 0 ? 0 : Math.max(...list));
  const byTenthMb = Array.from({ length: 10 }, (_, tenth) => {
    const sample = samples.find((s) => s.rowsSeen >= ((tenth + 1) / 10) * rows);
    return sample?.mb ?? peak(samples.map((s) => s.mb));
  });
  return {
    per,
    ms,
    firstByteMs,
    megabytes: +(bytes / 1e6).toFixed(1),
    rowsPerSecond: Math.round(rowsSeen / (ms / 1000)),
    rss: {
      baselineMb: baselineMb,
      peakMb: peak(samples.map((s) => s.mb)),
      firstQuarterPeakMb: peak(within(0, 0.25)),
      lastQuarterPeakMb: peak(within(0.75, 1)),
      byTenthMb,
    },
    figures: per === 'attempt' ? attemptFigures : learnerFigures,
  };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/VmRSS:\s+(\d+)/u.exec(status)?.[1] ?? 0);
  return +(kilobytes / 1024).toFixed(1);
}

async function waitUntilReady(): Promise<void> {
  for (let tries = 0; tries < 600; tries += 1) {
    if (apiProcess.exitCode !== null) throw new Error('the API process exited');
    const ready = await fetch(`${base}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the API did not become ready');
}
