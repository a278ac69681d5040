import { randomBytes } from 'node:crypto';
import { createLogger, redactedPaths } from '../../src/logging/logger.js';
import { startSimulatedCluster, type SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { referenceManifest } from '../support/first-pod-fixtures.js';
import {
  openTestServices,
  waitForFinishedAttempt,
  type TestServices,
} from '../support/test-services.js';

const marker = (label: string) => `kgsecret${label}${randomBytes(6).toString('hex')}`;

function captureLogger() {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    name: 'redaction-test',
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { logger, text: () => lines.join('') };
}

describe('log redaction', () => {
  const token = marker('token');
  const password = marker('password');
  const keyData = marker('keydata');
  const kubeconfig = `users:\n- name: u\n  user:\n    token: ${token}\n`;
  const sealed = marker('sealed');
  const apiKey = marker('apikey');

  /** The shapes in which a credential could reach a log call, each with its secret. */
  const secretBearingObjects: Array<[string, Record<string, unknown>]> = [
    ['a kubeconfig at the top', { kubeconfig }],
    ['a token at the top', { token }],
    ['a request body with cluster access', { body: { cluster: { kubeconfig, namespace: 'x' } } }],
    ['cluster access one level down', { attempt: { cluster: { kubeconfig } } }],
    ['a kubeconfig two levels down', { job: { data: { kubeconfig } } }],
    ['a ClusterTarget', { target: { credentials: { kind: 'token', token } } }],
    [
      'client certificate credentials',
      { credentials: { kind: 'client-certificate', keyPem: keyData } },
    ],
    ['basic credentials', { user: { username: 'admin', password } }],
    ['inline kubeconfig key data', { user: { 'client-key-data': keyData } }],
    ['a sealed secret column', { row: { clusterSecret: sealed } }],
    [
      'request headers',
      { req: { headers: { authorization: `Bearer ${token}`, 'x-api-key': apiKey } } },
    ],
    [
      'outgoing headers',
      { request: { options: { headers: { authorization: `Bearer ${token}` } } } },
    ],
    ['a bare authorization value', { authorization: `Basic ${password}` }],
    ['a cookie', { req: { headers: { cookie: `session=${token}` } } }],
  ];

  it.each(secretBearingObjects)(
    'when %s is logged, then the secret is redacted',
    (_shape, object) => {
      const { logger, text } = captureLogger();
      logger.info({ ...object, attemptId: 'attempt-1' }, 'something happened');
      logger.error({ ...object }, 'it went wrong');
      logger.child({ jobId: 'job-1' }).warn(object, 'in a child logger');

      const logged = text();
      for (const secret of [token, password, keyData, sealed, apiKey]) {
        expect(logged).not.toContain(secret);
      }
      expect(logged).toContain('[redacted]');
      // What is not secret stays readable.
      expect(logged).toContain('"attemptId":"attempt-1"');
      expect(logged).toContain('"jobId":"job-1"');
    },
  );

  it('covers cluster, kubeconfig, token, password, credentials and authorization headers', () => {
    expect(redactedPaths).toEqual(
      expect.arrayContaining([
        'cluster',
        '*.cluster',
        'kubeconfig',
        '*.kubeconfig',
        'token',
        '*.token',
        'password',
        'clusterSecret',
        'credentials',
        'headers.authorization',
        '*.headers.authorization',
      ]),
    );
  });
});

describe('what the API shows of cluster access', () => {
  let services: TestServices;
  let cluster: SimulatedCluster;
  const speed = 50;

  beforeAll(async () => {
    cluster = await startSimulatedCluster({ speed });
    services = await openTestServices();
    services.startWorker({ timeScale: speed });
  });
  afterAll(async () => {
    await services.close();
    await cluster.stop();
  });

  const body = (overrides: Record<string, unknown> = {}) => ({
    assessmentId: 'first-pod',
    learnerId: 'learner-redaction',
    manifest: referenceManifest,
    answers: {},
    cluster: { kubeconfig: cluster.kubeconfigYaml({ token: 'readOnly' }) },
    ...overrides,
  });

  function expectNoClusterAccess(text: string): void {
    expect(text).not.toContain(cluster.tokens.readOnly);
    expect(text).not.toContain(cluster.tokens.admin);
    expect(text).not.toMatch(/kubeconfig|certificate-authority-data|clusterSecret/i);
  }

  it('when an attempt with a kubeconfig is read back, queued or graded, then neither the kubeconfig nor the token is in it', async () => {
    const posted = await services.api
      .post('/v1/attempts')
      .set('Idempotency-Key', `redaction-${randomBytes(4).toString('hex')}`)
      .send(body())
      .expect(202);
    expectNoClusterAccess(posted.text);
    const early = await services.api.get(`/v1/attempts/${posted.body.id}`).expect(200);
    expectNoClusterAccess(early.text);

    await waitForFinishedAttempt(services.attempts, posted.body.id, 60_000);
    const graded = await services.api.get(`/v1/attempts/${posted.body.id}`).expect(200);
    expect(graded.body.status).toBe('graded');
    expect(graded.body).not.toHaveProperty('cluster');
    expectNoClusterAccess(graded.text);
    // Grading against the cluster logged its progress, never the credentials it used.
    expect(services.logLines.some((line) => line.includes('grading finished'))).toBe(true);
    expectNoClusterAccess(services.logLines.join(''));
  }, 90_000);

  it('when a request with a kubeconfig is refused, then the error body holds neither the kubeconfig nor the token', async () => {
    const key = `redaction-${randomBytes(4).toString('hex')}`;
    await services.api.post('/v1/attempts').set('Idempotency-Key', key).send(body()).expect(202);
    const refusals = [
      // Same key, different kubeconfig.
      await services.api
        .post('/v1/attempts')
        .set('Idempotency-Key', key)
        .send(body({ cluster: { kubeconfig: cluster.kubeconfigYaml({ token: 'admin' }) } }))
        .expect(422),
      // A context that the kubeconfig does not have.
      await services.api
        .post('/v1/attempts')
        .send(body({ cluster: { kubeconfig: cluster.kubeconfigYaml(), context: 'elsewhere' } }))
        .expect(422),
      // A valid kubeconfig next to an invalid field.
      await services.api
        .post('/v1/attempts')
        .send(body({ learnerId: 'has spaces' }))
        .expect(400),
      // A kubeconfig that is not even the right type.
      await services.api
        .post('/v1/attempts')
        .send(body({ cluster: { kubeconfig: [cluster.kubeconfigYaml()] } }))
        .expect(400),
      // The token in the wrong place: in the kubeconfig field itself, as YAML that does not parse.
      await services.api
        .post('/v1/attempts')
        .send(body({ cluster: { kubeconfig: `token: "${cluster.tokens.admin}` } }))
        .expect(422),
    ];
    expect(refusals.map((response) => response.body.error.code)).toEqual([
      'IDEMPOTENCY_KEY_REUSED',
      'KUBECONFIG_REJECTED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'KUBECONFIG_REJECTED',
    ]);
    for (const response of refusals) {
      expect(response.text).not.toContain(cluster.tokens.readOnly);
      expect(response.text).not.toContain(cluster.tokens.admin);
      expect(response.text).not.toContain('certificate-authority-data');
    }
  });
});
