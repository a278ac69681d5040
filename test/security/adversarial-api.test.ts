import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import {
  adversarialCorpus,
  bodyFor,
  plantedSecrets,
  type AdversarialCase,
  type ApiExpectation,
} from './adversarial-corpus.js';
import {
  openTestServices,
  waitForFinishedAttempt,
  type TestServices,
} from '../support/test-services.js';

/** What the API answered to one case. */
interface ApiOutcome {
  status: number;
  code: string | undefined;
  reason: string | undefined;
  text: string;
  attemptId: string | undefined;
  /** The body as it was sent, before any compression. */
  sent: string;
}

const apiCases = adversarialCorpus.filter(
  (entry): entry is AdversarialCase & { api: ApiExpectation } => entry.api !== undefined,
);
const outcomes = new Map<string, ApiOutcome>();
let services: TestServices;

function send(entry: AdversarialCase): { sent: string; response: Promise<request.Response> } {
  const shape = entry.http ?? {};
  const body = shape.body ? shape.body(bodyFor(entry.input)) : bodyFor(entry.input);
  const json = JSON.stringify(body);
  let payload: string | Buffer = shape.rawBody ? shape.rawBody(json) : json;
  if (shape.contentEncoding === 'gzip' && !shape.rawBody) payload = gzipSync(payload);

  let call = services.api
    .post('/v1/attempts')
    .set('Content-Type', shape.contentType ?? 'application/json')
    // Bytes go out exactly as built: supertest would otherwise re-encode a Buffer as JSON.
    .serialize((data: unknown) => data as string);
  if (shape.contentEncoding) call = call.set('Content-Encoding', shape.contentEncoding);
  for (const [name, value] of Object.entries(shape.headers ?? {})) call = call.set(name, value);
  return { sent: shape.rawBody ? shape.rawBody(json) : json, response: call.send(payload) };
}

beforeAll(async () => {
  // Nothing is allow-listed: loopback and private ranges are refused, as in a default deployment.
  services = await openTestServices({ allowCidrs: '' });
  services.startWorker({ timeScale: 1000, clusterRequestTimeoutMs: 300 });
  for (const entry of apiCases) {
    const { sent, response: answer } = send(entry);
    const response = await answer;
    const body = response.body as {
      id?: string;
      error?: { code?: string; details?: { reason?: string } };
    };
    outcomes.set(entry.name, {
      status: response.status,
      code: body.error?.code,
      reason: body.error?.details?.reason,
      text: response.text,
      attemptId: response.status === 202 ? body.id : undefined,
      sent,
    });
  }
}, 120_000);

afterAll(async () => {
  await services.close();
});

describe('the adversarial corpus through POST /v1/attempts', () => {
  it('has at least 40 cases for the API', () => {
    expect(apiCases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(apiCases.map((entry) => [entry.name, entry] as const))(
    '%s',
    (_name, entry: AdversarialCase & { api: ApiExpectation }) => {
      const outcome = outcomes.get(entry.name)!;
      const expected = entry.api;
      if (!('code' in expected)) {
        expect({ status: outcome.status, text: outcome.text }).toEqual({
          status: 202,
          text: expect.any(String),
        });
        return;
      }
      expect({ status: outcome.status, code: outcome.code, reason: outcome.reason }).toEqual({
        status: expected.status,
        code: expected.code,
        reason: expected.reason ?? outcome.reason,
      });
    },
  );
});

describe('after the corpus', () => {
  it('then the API is still up', async () => {
    await request(services.app).get('/healthz').expect(200, { status: 'ok' });
    await services.api.get('/v1/assessments/first-pod').expect(200);
  });

  it('then the accepted (harmless) inputs were graded to the end, and no prototype was polluted', async () => {
    const accepted = [...outcomes.values()].filter((outcome) => outcome.attemptId !== undefined);
    expect(accepted.length).toBeGreaterThan(0);
    for (const outcome of accepted) {
      const attempt = await waitForFinishedAttempt(services.attempts, outcome.attemptId!, 30_000);
      expect(['graded', 'not_gradable']).toContain(attempt.status);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('then nothing refused was stored: the only rows are the accepted attempts', async () => {
    const acceptedIds = [...outcomes.values()].flatMap((outcome) =>
      outcome.attemptId === undefined ? [] : [outcome.attemptId],
    );
    const rows = await services.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT id::text AS id FROM attempts`;
    expect(rows.map((row) => row.id).sort()).toEqual([...acceptedIds].sort());
  });

  it('then no planted secret appears in a response, a log line or the database', async () => {
    const database = await services.prisma.$queryRaw<Array<{ row: string }>>`
      SELECT row_to_json(t)::text AS row FROM attempts t
      UNION ALL SELECT row_to_json(t)::text FROM check_results t
      UNION ALL SELECT row_to_json(t)::text FROM quiz_answers t
      UNION ALL SELECT row_to_json(t)::text FROM evidence t`;
    const places = {
      responses: [...outcomes.values()].map((outcome) => outcome.text).join('\n'),
      logs: services.logLines.join(''),
      database: database.map((entry) => entry.row).join('\n'),
    };
    // The markers were really sent (the search below would prove nothing otherwise).
    const sent = [...outcomes.values()].map((outcome) => outcome.sent).join('\n');
    expect(plantedSecrets.filter((secret) => sent.includes(secret)).length).toBeGreaterThanOrEqual(
      30,
    );
    for (const [place, text] of Object.entries(places)) {
      const leaked = plantedSecrets.filter((secret) => text.includes(secret));
      expect({ place, leaked }).toEqual({ place, leaked: [] });
    }
  });

  it('then no exec plugin ran', () => {
    expect(existsSync('/tmp/kubegrade-pwned')).toBe(false);
  });
});
