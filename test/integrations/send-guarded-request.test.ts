import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  assertIntegrationUrlAllowed,
  type IntegrationOutbound,
} from '../../src/integrations/integration-url.js';
import {
  OutboundRequestError,
  sendGuardedRequest,
} from '../../src/integrations/send-guarded-request.js';

let server: Server;
let base: string;
const received: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    } else if (req.url?.startsWith('/slow')) {
      // Never answers: the client's deadline must end the request.
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const allowLoopback: IntegrationOutbound = {
  policy: { allowCidrs: ['127.0.0.1/32'], allowHosts: [] },
  allowHttp: true,
};
const defaults: IntegrationOutbound = {
  policy: { allowCidrs: [], allowHosts: [] },
  allowHttp: false,
};

describe('sendGuardedRequest', () => {
  it('reaches a loopback receiver only when the allow-list names it', async () => {
    const answer = await sendGuardedRequest(
      { method: 'POST', url: `${base}/hook`, headers: {}, body: '{}', timeoutMs: 2_000 },
      allowLoopback,
    );
    expect(answer.status).toBe(200);
    const before = received.length;
    await expect(
      sendGuardedRequest(
        { method: 'POST', url: `${base}/hook`, headers: {}, body: '{}', timeoutMs: 2_000 },
        { ...allowLoopback, policy: { allowCidrs: [], allowHosts: [] } },
      ),
    ).rejects.toThrow(/outbound guard \(LOOPBACK\)/);
    expect(received.length).toBe(before);
  });

  it('refuses plain http by default, and a name that resolves to loopback at connect time', async () => {
    await expect(
      sendGuardedRequest(
        { method: 'GET', url: `${base}/`, headers: {}, timeoutMs: 2_000 },
        defaults,
      ),
    ).rejects.toThrow(/NOT_HTTPS/);
    const rebinding: IntegrationOutbound = {
      ...defaults,
      resolver: async () => [{ address: '127.0.0.1', family: 4 }],
    };
    await expect(
      sendGuardedRequest(
        { method: 'GET', url: 'https://hooks.example.com/x', headers: {}, timeoutMs: 2_000 },
        rebinding,
      ),
    ).rejects.toThrow(/LOOPBACK/);
  });

  it('returns a redirect as it is instead of following it', async () => {
    const answer = await sendGuardedRequest(
      { method: 'POST', url: `${base}/redirect`, headers: {}, body: '{}', timeoutMs: 2_000 },
      allowLoopback,
    );
    expect(answer.status).toBe(302);
  });

  it('gives up at the deadline with a message that names no URL', async () => {
    const failure = await sendGuardedRequest(
      { method: 'POST', url: `${base}/slow?token=s3cret`, headers: {}, body: '{}', timeoutMs: 150 },
      allowLoopback,
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OutboundRequestError);
    expect((failure as OutboundRequestError).kind).toBe('timeout');
    expect((failure as Error).message).not.toContain('s3cret');
  });
});

describe('assertIntegrationUrlAllowed', () => {
  it('refuses metadata, private and credential-carrying URLs with INTEGRATION_URL_REFUSED', async () => {
    for (const [url, reason] of [
      ['https://169.254.169.254/latest', 'METADATA_ADDRESS'],
      ['https://10.1.2.3/hook', 'PRIVATE'],
      ['https://user:pw@hooks.example.com/', 'HAS_CREDENTIALS'],
      ['http://hooks.example.com/', 'NOT_HTTPS'],
      ['not a url', 'NOT_A_URL'],
    ] as const) {
      await expect(assertIntegrationUrlAllowed(url, defaults, 'webhook')).rejects.toMatchObject({
        code: 'INTEGRATION_URL_REFUSED',
        details: expect.objectContaining({ reason }),
      });
    }
  });
});
