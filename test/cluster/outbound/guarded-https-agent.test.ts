import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ClusterTarget } from '../../../src/cluster/kubeconfig/cluster-target.js';
import { assertClusterAddressAllowed } from '../../../src/cluster/outbound/assert-cluster-address-allowed.js';
import type { HostResolver } from '../../../src/cluster/outbound/check-cluster-host.js';
import { createGuardedHttpsAgent } from '../../../src/cluster/outbound/guarded-https-agent.js';
import type { OutboundPolicy } from '../../../src/cluster/outbound/outbound-policy.js';
import { createTestAuthority, type TestCertificate } from '../kubeconfig/test-certificates.js';

/**
 * Real TLS servers on 127.0.0.1 only. Names are resolved by injected resolvers, and no test
 * connects anywhere but loopback: public addresses are only ever judged.
 */
const clusterName = 'cluster.example.test';
const learnerCa = createTestAuthority('learner-cluster-ca');
const impostorCa = createTestAuthority('impostor-ca');
const serving = {
  commonName: clusterName,
  usage: 'server',
  dnsNames: [clusterName],
  ipAddresses: ['127.0.0.1'],
} as const;
const learnerServing = learnerCa.issue(serving);
const impostorServing = impostorCa.issue(serving);
const learnerClient = learnerCa.issue({ commonName: 'learner', usage: 'client' });

const loopbackAllowed: OutboundPolicy = { allowCidrs: ['127.0.0.1/32'], allowHosts: [] };
const noExceptions: OutboundPolicy = { allowCidrs: [], allowHosts: [] };

interface TestServer {
  port: number;
  connections: number;
  close: () => Promise<void>;
}

async function startServer(
  certificate: TestCertificate,
  options: https.ServerOptions = {},
): Promise<TestServer> {
  const server = https.createServer(
    { cert: certificate.certPem, key: certificate.keyPem, ...options },
    (request, response) => {
      const peer = (request.socket as TLSSocket).getPeerCertificate();
      response.end(JSON.stringify({ path: request.url, clientName: peer.subject?.CN ?? null }));
    },
  );
  const state = { port: 0, connections: 0 };
  server.on('connection', () => (state.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

function target(server: TestServer, overrides: Partial<ClusterTarget> = {}): ClusterTarget {
  return {
    contextName: 'lab',
    server: new URL(`https://127.0.0.1:${server.port}`),
    caPem: learnerCa.certPem,
    insecureSkipTlsVerify: false,
    credentials: { kind: 'none' },
    ...overrides,
  };
}

type Reply = { path: string; clientName: string | null };

function get(url: URL, agent: https.Agent, options: https.RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { agent, ...options }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(JSON.parse(body) as Reply));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/** Answers from a script, one answer per call; fails loudly when asked more than scripted. */
function scriptedResolver(...answers: string[][]): { resolver: HostResolver; calls: () => number } {
  let calls = 0;
  const resolver: HostResolver = async () => {
    const answer = answers[calls];
    calls += 1;
    if (answer === undefined) throw new Error('resolver asked more often than scripted');
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolver, calls: () => calls };
}

let trusted: TestServer;
let impostor: TestServer;
let mutual: TestServer;
const agents: https.Agent[] = [];

function agentFor(options: Parameters<typeof createGuardedHttpsAgent>[0]): https.Agent {
  const agent = createGuardedHttpsAgent(options);
  agents.push(agent);
  return agent;
}

beforeAll(async () => {
  trusted = await startServer(learnerServing);
  impostor = await startServer(impostorServing);
  mutual = await startServer(learnerServing, {
    ca: learnerCa.certPem,
    requestCert: true,
    rejectUnauthorized: true,
  });
});

afterEach(() => {
  for (const agent of agents.splice(0)) agent.destroy();
  for (const server of [trusted, impostor, mutual]) server.connections = 0;
});

afterAll(async () => {
  await Promise.all([trusted, impostor, mutual].map((server) => server.close()));
});

describe('createGuardedHttpsAgent, addresses', () => {
  it('reaches an allow-listed loopback cluster and trusts the kubeconfig CA', async () => {
    const clusterTarget = target(trusted);
    const agent = agentFor({ target: clusterTarget, policy: loopbackAllowed });
    await expect(get(new URL('/api/v1/pods', clusterTarget.server), agent)).resolves.toEqual({
      path: '/api/v1/pods',
      clientName: null,
    });
  });

  it('refuses 127.0.0.1 at connect time when it is not allow-listed (Node skips lookup for IPs)', async () => {
    const agent = agentFor({ target: target(trusted), policy: noExceptions });
    await expect(get(target(trusted).server, agent)).rejects.toMatchObject({
      code: 'ECLUSTERADDRESSREFUSED',
      reason: 'LOOPBACK',
      host: '127.0.0.1',
    });
    expect(trusted.connections).toBe(0);
  });

  it('refuses a name that answered a public address first and 127.0.0.1 at connect (rebinding)', async () => {
    const server = new URL(`https://${clusterName}:${trusted.port}`);
    const { resolver, calls } = scriptedResolver(['1.1.1.1'], ['127.0.0.1']);
    // The early check sees only the public answer and lets the name through...
    await expect(assertClusterAddressAllowed(server, noExceptions, resolver)).resolves.toEqual([
      { address: '1.1.1.1', family: 4 },
    ]);
    // ...but the answer the socket would use is judged again at connect time.
    const agent = agentFor({ target: target(trusted, { server }), policy: noExceptions, resolver });
    await expect(get(server, agent)).rejects.toMatchObject({
      code: 'ECLUSTERADDRESSREFUSED',
      reason: 'LOOPBACK',
      host: clusterName,
      address: '127.0.0.1',
    });
    expect(calls()).toBe(2);
    expect(trusted.connections).toBe(0);
  });

  it('reaches a cluster by name when the name resolves into an allowed range, verifying the name', async () => {
    const server = new URL(`https://${clusterName}:${trusted.port}`);
    const { resolver } = scriptedResolver(['127.0.0.1']);
    const agent = agentFor({
      target: target(trusted, { server }),
      policy: loopbackAllowed,
      resolver,
    });
    await expect(get(new URL('/version', server), agent)).resolves.toMatchObject({
      path: '/version',
    });
  });

  it('connects nowhere but the target: another host, another port, a Unix socket', async () => {
    const agent = agentFor({
      target: target(trusted),
      policy: { allowCidrs: ['127.0.0.0/8'], allowHosts: ['localhost'] },
    });
    await expect(get(new URL(`https://127.0.0.2:${trusted.port}`), agent)).rejects.toMatchObject({
      code: 'ECLUSTERADDRESSREFUSED',
      reason: 'NOT_TARGET_HOST',
    });
    await expect(get(new URL(`https://127.0.0.1:${impostor.port}`), agent)).rejects.toMatchObject({
      reason: 'NOT_TARGET_HOST',
    });
    await expect(
      get(target(trusted).server, agent, { socketPath: '/var/run/docker.sock' }),
    ).rejects.toMatchObject({ reason: 'UNIX_SOCKET' });
    expect(impostor.connections).toBe(0);
  });
});

describe('createGuardedHttpsAgent, TLS', () => {
  it('refuses a server whose certificate is not from the kubeconfig CA', async () => {
    const agent = agentFor({ target: target(impostor), policy: loopbackAllowed });
    await expect(get(target(impostor).server, agent)).rejects.toMatchObject({
      code: expect.stringMatching(
        /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/,
      ),
    });
  });

  it('uses the system roots when the kubeconfig gives no CA, so a private CA is not trusted', async () => {
    const { caPem: _unused, ...withoutCa } = target(trusted);
    const agent = agentFor({ target: withoutCa, policy: loopbackAllowed });
    await expect(get(withoutCa.server, agent)).rejects.toMatchObject({
      code: expect.stringMatching(
        /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/,
      ),
    });
  });

  it('skips verification only when the target says so (an assessment allowed it)', async () => {
    const clusterTarget = target(impostor, { insecureSkipTlsVerify: true });
    const agent = agentFor({ target: clusterTarget, policy: loopbackAllowed });
    await expect(get(clusterTarget.server, agent)).resolves.toMatchObject({ path: '/' });
  });

  it('verifies the certificate against tls-server-name when the kubeconfig gives one', async () => {
    const right = target(trusted, { tlsServerName: clusterName });
    await expect(
      get(right.server, agentFor({ target: right, policy: loopbackAllowed })),
    ).resolves.toMatchObject({ path: '/' });
    const wrong = target(trusted, { tlsServerName: 'other.example.test' });
    await expect(
      get(wrong.server, agentFor({ target: wrong, policy: loopbackAllowed })),
    ).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('presents the client certificate, and the cluster knows the learner by it', async () => {
    const clusterTarget = target(mutual, {
      credentials: {
        kind: 'client-certificate',
        certPem: learnerClient.certPem,
        keyPem: learnerClient.keyPem,
      },
    });
    const agent = agentFor({ target: clusterTarget, policy: loopbackAllowed });
    await expect(get(clusterTarget.server, agent)).resolves.toEqual({
      path: '/',
      clientName: 'learner',
    });
  });

  it('presents no certificate for token credentials, so a cluster that requires one refuses', async () => {
    const clusterTarget = target(mutual, { credentials: { kind: 'token', token: 'abc' } });
    const agent = agentFor({ target: clusterTarget, policy: loopbackAllowed });
    await expect(get(clusterTarget.server, agent)).rejects.toThrow();
  });
});
