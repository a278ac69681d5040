import { z } from 'zod';
import type { IntegrationOutbound } from '../integrations/integration-url.js';
import { sendGuardedRequest } from '../integrations/send-guarded-request.js';
import { signClientAssertion } from './client-assertion.js';
import type { LtiPlatform } from './lti-platform.js';
import type { ToolKey } from './tool-key.js';

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.coerce.number().positive().optional(),
});

/** The token endpoint did not give a token; `status` is its HTTP status when it answered. */
export class LtiTokenError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'LtiTokenError';
  }
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * OAuth 2 client credentials with a signed JWT assertion, one token per platform and scope,
 * cached until shortly before it expires (an LMS may rate-limit its token endpoint, and one
 * token serves many score posts). A platform that refuses a cached token gets it dropped
 * through `forget`.
 */
export class LtiAccessTokens {
  private readonly cache = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<string>>();
  /** Counted for metrics and tests: how many times a token endpoint was called. */
  tokenRequests = 0;

  constructor(
    private readonly options: {
      toolKey: () => Promise<ToolKey>;
      outbound: IntegrationOutbound;
      timeoutMs: number;
      /** The cache's clock (assertions are always stamped with the real time). */
      now?: () => number;
      /** Refresh this long before the platform's expiry, so a token does not lapse mid-request. */
      marginMs?: number;
    },
  ) {}

  async get(platform: LtiPlatform, scope: string): Promise<string> {
    const cacheKey = `${platform.id}|${platform.clientId}|${platform.tokenEndpoint}|${scope}`;
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expiresAt > this.now()) return cached.token;
    // Concurrent score posts for one platform share one token request.
    let request = this.pending.get(cacheKey);
    if (!request) {
      request = this.request(platform, scope, cacheKey).finally(() =>
        this.pending.delete(cacheKey),
      );
      this.pending.set(cacheKey, request);
    }
    return request;
  }

  forget(platform: LtiPlatform): void {
    for (const key of this.cache.keys()) {
      if (key.startsWith(`${platform.id}|`)) this.cache.delete(key);
    }
  }

  private async request(platform: LtiPlatform, scope: string, cacheKey: string): Promise<string> {
    const assertion = await signClientAssertion({
      key: await this.options.toolKey(),
      clientId: platform.clientId,
      audience: platform.tokenAudience ?? platform.tokenEndpoint,
      now: new Date(),
    });
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope,
    }).toString();
    this.tokenRequests += 1;
    const answer = await sendGuardedRequest(
      {
        method: 'POST',
        url: platform.tokenEndpoint,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body,
        timeoutMs: this.options.timeoutMs,
      },
      this.options.outbound,
    );
    if (answer.status !== 200) {
      throw new LtiTokenError(`token endpoint answered ${answer.status}`, answer.status);
    }
    const parsed = tokenResponseSchema.safeParse(safeJson(answer.body));
    if (!parsed.success) {
      throw new LtiTokenError('token endpoint answered without a bearer token', answer.status);
    }
    const lifetimeMs = (parsed.data.expires_in ?? 3600) * 1000;
    const margin = Math.min(this.options.marginMs ?? 60_000, lifetimeMs / 2);
    this.cache.set(cacheKey, {
      token: parsed.data.access_token,
      expiresAt: this.now() + lifetimeMs - margin,
    });
    return parsed.data.access_token;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
