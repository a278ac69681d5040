import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { runCli } from '../../src/cli/main.js';
import { openTestServices, type TestServices } from '../support/test-services.js';
import { seedGradedAttempts, type SeededAttempt } from './seed-graded-attempts.js';

let services: TestServices;
let seeded: SeededAttempt[];

beforeAll(async () => {
  services = await openTestServices();
  seeded = await seedGradedAttempts(services.attempts, {
    count: 7,
    queueName: services.queueName,
    tenantId: services.tenant.tenantId,
  });
});

afterAll(async () => {
  await services.close();
});

type Row = Record<string, string>;

describe('GET /v1/results/export', () => {
  it('streams RFC 4180 CSV that parses back to the stored numbers, a column per check and question', async () => {
    const response = await services.api
      .get('/v1/results/export?format=csv&assessment=first-pod')
      .expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toContain('kubegrade-results-first-pod.csv');
    const rows: Row[] = parse(response.text, { columns: true });
    expect(rows).toHaveLength(seeded.length);
    expect(Object.keys(rows[0] as Row)).toEqual(
      expect.arrayContaining([
        'attempt_id',
        'score',
        'check:kind-pod',
        'check:kind-pod:outcome',
        'check:pod-running',
        'quiz:pending-causes',
        'quiz:pending-causes:matched',
        'overrides',
      ]),
    );
    for (const attempt of seeded) {
      const row = rows.find((item) => item.attempt_id === attempt.id) as Row;
      expect(Number(row.score)).toBe(attempt.score);
      expect(row.learner_id).toBe(attempt.learnerId);
      for (const [checkId, points] of Object.entries(attempt.checks)) {
        expect(Number(row[`check:${checkId}`])).toBe(points);
        expect(row[`check:${checkId}:outcome`]).toBe(points > 0 ? 'passed' : 'failed');
      }
      expect(Number(row['quiz:pending-causes'])).toBe(attempt.quizPoints);
      expect(row['quiz:pending-causes:matched']).toBe(attempt.matched.join(';'));
      expect(row.overrides).toBe('');
    }
    // Never the learner's manifest or answer text.
    expect(response.text).not.toContain('kind: Pod');
    expect(response.text).not.toContain('a newline');
  });

  it('filters by course and answers JSON Lines, one parsed attempt per line', async () => {
    const response = await services.api
      .get('/v1/results/export?format=jsonl&course=k8s-202')
      .expect(200);
    const lines = response.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const expected = seeded.filter((attempt) => attempt.courseId === 'k8s-202');
    expect(lines.map((line) => line.id).sort()).toEqual(expected.map((a) => a.id).sort());
    for (const line of lines) {
      const attempt = expected.find((item) => item.id === line.id) as SeededAttempt;
      expect(line.score).toBe(attempt.score);
      expect(line.checks['pod-running'].points).toBe(attempt.checks['pod-running']);
    }
  });

  it('gives one row per learner with their best and latest attempt', async () => {
    const response = await services.api.get('/v1/results/export?per=learner').expect(200);
    const rows: Row[] = parse(response.text, { columns: true });
    expect(rows.map((row) => row.learner_id)).toEqual(['learner-0', 'learner-1', 'learner-2']);
    for (const row of rows) {
      const mine = seeded.filter((attempt) => attempt.learnerId === row.learner_id);
      expect(Number(row.attempts)).toBe(mine.length);
      expect(Number(row.best_score)).toBe(Math.max(...mine.map((attempt) => attempt.score)));
      expect(row.latest_attempt_id).toBe(mine[mine.length - 1]?.id);
    }
  });

  it('needs a key with results:read, exports only its tenant, and refuses a bad query', async () => {
    const anonymous = await request(services.app).get('/v1/results/export').expect(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    const submitter = await services.createTenantWithKey({ scopes: ['attempts:write'] });
    await submitter.api.get('/v1/results/export').expect(403);
    const other = await services.createTenantWithKey();
    const theirs = await other.api.get('/v1/results/export?format=jsonl').expect(200);
    expect(theirs.text).toBe('');
    const bad = await services.api.get('/v1/results/export?format=xlsx').expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('overrides in exports', () => {
  it('name each overridden check and quiz answer, with the value in force in its column', async () => {
    const teacher = await services.createTenantWithKey({ name: 'override-school' });
    const [first, second] = await seedGradedAttempts(services.attempts, {
      count: 2,
      queueName: services.queueName,
      tenantId: teacher.tenantId,
      // Its own assessment, so the operator-wide CLI export below sees only first-pod's seven.
      assessmentId: 'overridden-pod',
    });
    const overridden = first as SeededAttempt;
    await teacher.api
      .post(`/v1/attempts/${overridden.id}/overrides`)
      .send({ target: 'check', targetId: 'kind-pod', points: 2, reason: 'typo', actor: 'ms-k' })
      .expect(201);
    await teacher.api
      .post(`/v1/attempts/${overridden.id}/overrides`)
      .send({
        target: 'quiz',
        targetId: 'pending-causes',
        points: 1,
        reason: 'vague',
        actor: 'ms-k',
      })
      .expect(201);
    // A second override of the same quiz answer supersedes the first: still one marker.
    await teacher.api
      .post(`/v1/attempts/${overridden.id}/overrides`)
      .send({
        target: 'quiz',
        targetId: 'pending-causes',
        points: 3,
        reason: 'fair',
        actor: 'ms-k',
      })
      .expect(201);

    const csv = await teacher.api.get('/v1/results/export?format=csv').expect(200);
    const rows: Row[] = parse(csv.text, { columns: true });
    const row = rows.find((item) => item.attempt_id === overridden.id) as Row;
    expect(row.overrides).toBe('check:kind-pod;quiz:pending-causes');
    expect(Number(row['check:kind-pod'])).toBe(2);
    expect(row['check:kind-pod:outcome']).toBe('passed');
    expect(Number(row['quiz:pending-causes'])).toBe(3);
    const untouched = rows.find((item) => item.attempt_id === second?.id) as Row;
    expect(untouched.overrides).toBe('');

    const perLearner = await teacher.api.get('/v1/results/export?per=learner').expect(200);
    const learnerRow = (parse(perLearner.text, { columns: true }) as Row[]).find(
      (item) => item.best_attempt_id === overridden.id,
    ) as Row;
    expect(learnerRow.overrides).toBe('check:kind-pod;quiz:pending-causes');

    const jsonl = await teacher.api.get('/v1/results/export?format=jsonl').expect(200);
    const line = jsonl.text
      .trimEnd()
      .split('\n')
      .map((text) => JSON.parse(text))
      .find((item) => item.id === overridden.id);
    expect(line.overrides).toEqual(['check:kind-pod', 'quiz:pending-causes']);
  });
});

describe('kubegrade export', () => {
  it('writes the same CSV from DATABASE_URL', async () => {
    const stdout = new PassThrough();
    let text = '';
    stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = services.databaseUrl;
    try {
      const code = await runCli(['export', '--format', 'csv', '--assessment', 'first-pod'], {
        out: () => undefined,
        err: () => undefined,
        progress: () => undefined,
        stdout,
      });
      expect(code).toBe(0);
    } finally {
      process.env.DATABASE_URL = previous;
    }
    const rows: Row[] = parse(text, { columns: true });
    expect(rows.map((row) => Number(row.score)).sort()).toEqual(
      seeded.map((attempt) => attempt.score).sort(),
    );
  });
});
