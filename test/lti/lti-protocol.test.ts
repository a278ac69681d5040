import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IntegrationOutbound } from '../../src/integrations/integration-url.js';
import { LtiAccessTokens, LtiTokenError } from '../../src/lti/lti-access-tokens.js';
import { scoreScope, type LtiPlatform } from '../../src/lti/lti-platform.js';
import { buildLtiScore, nextScoreTimestamp, scoresUrl } from '../../src/lti/lti-score.js';
import { generateToolKey, type ToolKey } from '../../src/lti/tool-key.js';
import { startFakeLmsPlatform, type FakeLmsPlatform } from '../support/fake-lms-platform.js';

const outbound: IntegrationOutbound = {
  policy: { allowCidrs: ['127.0.0.1/32'], allowHosts: [] },
  allowHttp: true,
};
let toolKey: ToolKey;
let jwksServer: Server;
let lms: FakeLmsPlatform;
let platform: LtiPlatform;

beforeAll(async () => {
  toolKey = (await generateToolKey()).key;
  jwksServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [toolKey.publicJwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const port = (jwksServer.address() as AddressInfo).port;
  lms = await startFakeLmsPlatform({ toolJwksUrl: `http://127.0.0.1:${port}/jwks.json` });
  platform = {
    id: 'p1',
    tenantId: 't1',
    issuer: lms.issuer,
    clientId: lms.clientId,
    deploymentId: 'd1',
    tokenEndpoint: lms.tokenEndpoint,
    platformJwksUrl: lms.jwksUrl,
  };
});

afterAll(async () => {
  await lms.close();
  jwksServer.closeAllConnections();
  await new Promise((resolve) => jwksServer.close(resolve));
});

describe('LTI access tokens', () => {
  it('gets a token with a JWT assertion the platform verifies against the tool JWKS, and caches it', async () => {
    const tokens = new LtiAccessTokens({
      toolKey: async () => toolKey,
      outbound,
      timeoutMs: 2_000,
    });
    const [first, second] = await Promise.all([
      tokens.get(platform, scoreScope),
      tokens.get(platform, scoreScope),
    ]);
    expect(first).toBe(second);
    expect(await tokens.get(platform, scoreScope)).toBe(first);
    expect(tokens.tokenRequests).toBe(1);
    expect(lms.tokenRequests.at(-1)).toEqual({ status: 200 });
    tokens.forget(platform);
    expect(await tokens.get(platform, scoreScope)).not.toBe(first);
    expect(tokens.tokenRequests).toBe(2);
  });

  it('asks again once the cached token is about to expire', async () => {
    let now = Date.now();
    const tokens = new LtiAccessTokens({
      toolKey: async () => toolKey,
      outbound,
      timeoutMs: 2_000,
      now: () => now,
    });
    await tokens.get(platform, scoreScope);
    now += 3600_000 - 30_000; // inside the refresh margin of a one-hour token
    await tokens.get(platform, scoreScope);
    expect(tokens.tokenRequests).toBe(2);
  });

  it('is refused when the assertion is signed by a key the tool does not publish', async () => {
    const stranger = (await generateToolKey()).key;
    const tokens = new LtiAccessTokens({
      toolKey: async () => stranger,
      outbound,
      timeoutMs: 2_000,
    });
    await expect(tokens.get(platform, scoreScope)).rejects.toBeInstanceOf(LtiTokenError);
    expect(lms.tokenRequests.at(-1)?.status).toBe(401);
  });
});

describe('LTI scores', () => {
  it('builds Pending without a score, FullyGraded with one, Failed without a zero', () => {
    const timestamp = new Date('2026-11-29T10:00:00.123Z');
    expect(buildLtiScore({ userId: 'u', progress: { kind: 'pending' }, timestamp })).toEqual({
      userId: 'u',
      activityProgress: 'Submitted',
      gradingProgress: 'Pending',
      timestamp: '2026-11-29T10:00:00.123Z',
    });
    expect(
      buildLtiScore({
        userId: 'u',
        progress: { kind: 'graded', score: 7, maxScore: 10 },
        timestamp,
      }),
    ).toMatchObject({ scoreGiven: 7, scoreMaximum: 10, gradingProgress: 'FullyGraded' });
    const failed = buildLtiScore({
      userId: 'u',
      progress: { kind: 'failed', reason: 'x' },
      timestamp,
    });
    expect(failed.gradingProgress).toBe('Failed');
    expect(failed).not.toHaveProperty('scoreGiven');
  });

  it('keeps timestamps strictly increasing at millisecond precision', () => {
    const last = new Date('2026-11-29T10:00:00.500Z');
    expect(nextScoreTimestamp(new Date('2026-11-29T10:00:00.500Z'), last).toISOString()).toBe(
      '2026-11-29T10:00:00.501Z',
    );
    expect(nextScoreTimestamp(new Date('2026-11-29T09:59:59.000Z'), last).toISOString()).toBe(
      '2026-11-29T10:00:00.501Z',
    );
    expect(nextScoreTimestamp(new Date('2026-11-29T10:00:01.000Z'), last).toISOString()).toBe(
      '2026-11-29T10:00:01.000Z',
    );
  });

  it('posts to the line item path plus /scores, keeping its query', () => {
    expect(scoresUrl('https://lms.example/api/lti/courses/1/line_items/7?type_id=3')).toBe(
      'https://lms.example/api/lti/courses/1/line_items/7/scores?type_id=3',
    );
  });
});
