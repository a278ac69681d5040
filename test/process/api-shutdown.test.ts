import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Agent, request, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { attemptBody, fixtureAssessmentsDirectory } from '../support/first-pod-fixtures.js';
import {
  freePort,
  processTestTimeoutMs,
  startServiceProcess,
  waitFor,
  type ServiceProcess,
} from '../support/service-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { createTestTenantKey } from '../support/test-tenants.js';
import { TenantRepository } from '../../src/tenants/tenant-repository.js';

/**
 * SIGTERM to the real API process while clients are connected: it stops accepting, closes idle
 * keep-alive connections and live-update streams at once, answers the request it is still
 * receiving, then exits 0 well before its shutdown bound.
 */

jest.setTimeout(processTestTimeoutMs);

let database: TestDatabase;
let api: ServiceProcess;
let port: number;
let key: string;

beforeAll(async () => {
  database = await createTestDatabase();
  key = (await createTestTenantKey(new TenantRepository(database.prisma))).key;
  port = await freePort();
  api = startServiceProcess('src/http/main.ts', {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: database.databaseUrl,
    QUEUE_NAME: `api-shutdown-${randomUUID()}`,
    ASSESSMENTS_DIR: fixtureAssessmentsDirectory,
    // Far longer than the test needs: exiting 0 proves it did not wait for the bound.
    API_SHUTDOWN_TIMEOUT_MS: '120000',
  });
  await waitFor(async () => {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    return response?.status === 200;
  }, 'the API to be ready');
});

afterAll(async () => {
  await api.stop();
  await database.drop();
});

const closed = (socket: Socket) =>
  new Promise<void>((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });

function responseOf(req: ReturnType<typeof request>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
}

/** The body so far once the server ends the response or cuts the connection. */
function readUntilCut(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (text += chunk));
    response.once('close', () => resolve(text));
    response.once('error', () => undefined);
  });
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (text += chunk));
    response.once('end', () => resolve(text));
    response.once('error', reject);
  });
}

it('answers the request in flight, closes idle and streaming connections, refuses new ones, exits 0', async () => {
  const authorization = `Bearer ${key}`;
  // A queued attempt (no worker runs here): its feedback page streams updates until told to stop.
  const posted = await fetch(`http://127.0.0.1:${port}/v1/attempts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify(attemptBody()),
  });
  expect(posted.status).toBe(202);
  const { feedbackUrl } = (await posted.json()) as { feedbackUrl: string };
  const eventsPath = `${new URL(feedbackUrl, 'http://x').pathname}/events`;
  const stream = await responseOf(request({ port, host: '127.0.0.1', path: eventsPath }).end());
  expect(stream.headers['content-type']).toMatch(/text\/event-stream/);
  const streamEnded = readUntilCut(stream);

  // An idle keep-alive connection, as a load balancer or LMS client keeps one.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const healthRequest = request({ port, host: '127.0.0.1', path: '/healthz', agent });
  const idleSocket = await new Promise<Socket>((resolve) => healthRequest.once('socket', resolve));
  const health = responseOf(healthRequest);
  healthRequest.end();
  await readBody(await health);
  expect(idleSocket.destroyed).toBe(false);

  // A submission whose body is still to come when the signal arrives. `Expect: 100-continue`
  // makes the server say when it has the request's headers: from then on it is in flight.
  const body = JSON.stringify(attemptBody({ learnerId: 'learner-in-flight' }));
  const inFlight = request({
    port,
    host: '127.0.0.1',
    path: '/v1/attempts',
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      expect: '100-continue',
      authorization,
    },
  });
  const inFlightResponse = responseOf(inFlight);
  const serverHasHeaders = new Promise((resolve) => inFlight.once('continue', resolve));
  inFlight.flushHeaders();
  await serverHasHeaders;

  api.child.kill('SIGTERM');
  await api.waitForLog('API stopped accepting; answering in-flight requests');

  await closed(idleSocket);
  await streamEnded;
  const refused = await new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
  expect(refused).toBe('ECONNREFUSED');

  inFlight.end(body);
  const answer = await inFlightResponse.catch((error: unknown) => {
    throw new Error(`${String(error)}\n${api.output.stdout.slice(-3000)}${api.output.stderr}`);
  });
  expect(answer.statusCode).toBe(202);
  expect(answer.headers.connection).toBe('close');
  const accepted = JSON.parse(await readBody(answer)) as { id: string; status: string };
  expect(accepted.status).toBe('queued');
  const stored = await database.prisma.attempt.findUniqueOrThrow({ where: { id: accepted.id } });
  expect(stored.learnerId).toBe('learner-in-flight');

  expect(await api.exited).toBe(0);
  expect(api.logLines().map((line) => line.msg)).toContain('API stopped');
  agent.destroy();
});
