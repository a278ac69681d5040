import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { KubeClusterReader } from '../../../src/cluster/kubernetes/kube-cluster-reader.js';
import { ClusterReadError } from '../../../src/grading/cluster-read-error.js';
import { createGuardedHttpsAgent } from '../../../src/cluster/outbound/guarded-https-agent.js';
import { parseOutboundPolicy } from '../../../src/cluster/outbound/outbound-policy.js';
import { createTestAuthority } from '../kubeconfig/test-certificates.js';

/**
 * A hostile "cluster" that answers with redirects (to a metadata address, or to another path of
 * its own): the grader must report it could not look, and never follow.
 */
const authority = createTestAuthority('redirect-test-ca');
const serving = authority.issue({
  commonName: '127.0.0.1',
  usage: 'server',
  ipAddresses: ['127.0.0.1'],
});
let server: Server;
let hits: string[];

beforeAll(async () => {
  hits = [];
  server = createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
    hits.push(req.url ?? '');
    if (req.url?.startsWith('/stolen')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"kind":"Pod"}');
      return;
    }
    const target = req.url?.includes('/log')
      ? '/stolen'
      : 'https://169.254.169.254/latest/meta-data/';
    res.writeHead(302, { location: target }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function reader() {
  const url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const agent = createGuardedHttpsAgent({
    target: {
      contextName: 'c',
      server: url,
      caPem: authority.certPem,
      insecureSkipTlsVerify: false,
      credentials: { kind: 'token', token: 't' },
    },
    policy: parseOutboundPolicy({ cidrs: '127.0.0.1/32', hosts: '' }),
  });
  return {
    reader: new KubeClusterReader({
      server: url,
      agent,
      headers: { authorization: 'Bearer t' },
      requestTimeoutMs: 2_000,
    }),
    agent,
  };
}

describe('a cluster that answers with redirects', () => {
  it('is reported as could-not-look, and the redirect is not followed (off-host or on-host)', async () => {
    const { reader: kube, agent } = reader();
    try {
      await expect(kube.readPod({ namespace: 'default', name: 'my-pod' })).rejects.toEqual(
        expect.objectContaining({
          name: 'ClusterReadError',
          reason: 'UNREACHABLE',
          httpStatus: 302,
        }),
      );
      await expect(
        kube.readPodLog({ namespace: 'default', name: 'my-pod' }),
      ).rejects.toBeInstanceOf(ClusterReadError);
      expect(hits.some((path) => path.startsWith('/stolen'))).toBe(false);
      expect(kube.requests.count).toBe(2);
    } finally {
      agent.destroy();
    }
  });
});
