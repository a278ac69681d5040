import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { ltiScoreMediaType, ltiScoreSchema, type LtiScore } from '../../src/lti/lti-score.js';

/**
 * An LMS as far as LTI 1.3 grade passback goes, served for real over HTTP: an OAuth 2 token
 * endpoint that verifies the tool's signed JWT assertion against the tool's own published JWKS,
 * and line items whose scores endpoint refuses a timestamp that is not newer than the last one
 * taken for the same user (409, as Moodle answers).
 */
export interface FakeLmsPlatform {
  issuer: string;
  clientId: string;
  tokenEndpoint: string;
  jwksUrl: string;
  lineItemUrl: (id: string) => string;
  /** Scores the platform accepted, per line item, in arrival order. */
  acceptedScores: (lineItemId: string) => LtiScore[];
  /** Every score request, accepted or not, with the status it got. */
  scoreRequests: Array<{ lineItemId: string; status: number; score?: unknown }>;
  tokenRequests: Array<{ status: number; problem?: string }>;
  /** The next `count` score posts answer 503 (an LMS having a bad minute). */
  failNextScorePosts: (count: number) => void;
  close: () => Promise<void>;
}

export async function startFakeLmsPlatform(options: {
  /** Where the tool publishes its keys; read at every token request, as a platform would. */
  toolJwksUrl: string;
  clientId?: string;
  tokenLifetimeSeconds?: number;
}): Promise<FakeLmsPlatform> {
  const clientId = options.clientId ?? `client-${randomBytes(4).toString('hex')}`;
  const toolKeys = createRemoteJWKSet(new URL(options.toolJwksUrl), { cacheMaxAge: 0 });
  const tokens = new Map<string, number>();
  const seenJtis = new Set<string>();
  const accepted = new Map<string, LtiScore[]>();
  const lastTimestamp = new Map<string, number>();
  const scoreRequests: FakeLmsPlatform['scoreRequests'] = [];
  const tokenRequests: FakeLmsPlatform['tokenRequests'] = [];
  let failuresToServe = 0;
  let base = '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', base).pathname;
    if (req.method === 'POST' && path === '/token') {
      const problem = await checkTokenRequest(req, body);
      const status = problem ? 401 : 200;
      tokenRequests.push({ status, ...(problem ? { problem } : {}) });
      if (problem) return json(res, 401, { error: 'invalid_client', error_description: problem });
      const token = randomBytes(16).toString('hex');
      tokens.set(token, Date.now() + (options.tokenLifetimeSeconds ?? 3600) * 1000);
      return json(res, 200, {
        access_token: token,
        token_type: 'Bearer',
        expires_in: options.tokenLifetimeSeconds ?? 3600,
        scope: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
      });
    }
    const scores = /^\/lineitems\/([^/]+)\/scores$/.exec(path);
    if (req.method === 'POST' && scores) {
      const lineItemId = decodeURIComponent(scores[1] ?? '');
      const answer = (status: number, payload: unknown, score?: unknown) => {
        scoreRequests.push({ lineItemId, status, score });
        json(res, status, payload);
      };
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || (tokens.get(token) ?? 0) < Date.now()) return answer(401, { error: 'token' });
      if (req.headers['content-type'] !== ltiScoreMediaType) return answer(415, {});
      if (failuresToServe > 0) {
        failuresToServe -= 1;
        return answer(503, { error: 'try later' });
      }
      const parsed = ltiScoreSchema.safeParse(safeJson(body));
      if (!parsed.success) return answer(400, { error: 'bad score' }, safeJson(body));
      const score = parsed.data;
      const key = `${lineItemId}|${score.userId}`;
      const at = Date.parse(score.timestamp);
      if (at <= (lastTimestamp.get(key) ?? -Infinity)) {
        return answer(409, { error: 'timestamp not newer than the last score' }, score);
      }
      lastTimestamp.set(key, at);
      accepted.set(lineItemId, [...(accepted.get(lineItemId) ?? []), score]);
      return answer(200, {}, score);
    }
    json(res, 404, { error: 'not found' });
  };

  async function checkTokenRequest(
    req: IncomingMessage,
    body: string,
  ): Promise<string | undefined> {
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return 'content type';
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials') return 'grant_type';
    if (
      form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
    ) {
      return 'client_assertion_type';
    }
    if (!form.get('scope')?.includes('https://purl.imsglobal.org/spec/lti-ags/scope/score')) {
      return 'scope';
    }
    try {
      const { payload, protectedHeader } = await jwtVerify(
        form.get('client_assertion') ?? '',
        toolKeys,
        {
          issuer: clientId,
          subject: clientId,
          audience: `${base}/token`,
          algorithms: ['RS256'],
          maxTokenAge: '5 minutes',
        },
      );
      if (!protectedHeader.kid) return 'kid';
      if (!payload.jti || seenJtis.has(payload.jti)) return 'jti replayed';
      seenJtis.add(payload.jti);
      return undefined;
    } catch (error) {
      return `assertion: ${(error as Error).message}`;
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer: base,
    clientId,
    tokenEndpoint: `${base}/token`,
    jwksUrl: `${base}/jwks`,
    lineItemUrl: (id) => `${base}/lineitems/${encodeURIComponent(id)}`,
    acceptedScores: (id) => accepted.get(id) ?? [],
    scoreRequests,
    tokenRequests,
    failNextScorePosts: (count) => {
      failuresToServe = count;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
