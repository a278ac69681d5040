import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { ClusterAddressRefusedError } from '../cluster/outbound/address-refusal.js';
import { systemResolver } from '../cluster/outbound/check-cluster-host.js';
import { createGuardedLookup } from '../cluster/outbound/create-guarded-lookup.js';
import { judgeAddressWithPolicy } from '../cluster/outbound/judge-address.js';
import { compileOutboundPolicy, normalizeHostName } from '../cluster/outbound/outbound-policy.js';
import { judgeIntegrationUrlForm, type IntegrationOutbound } from './integration-url.js';

export interface GuardedRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface GuardedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** At most `maxResponseBytes` of the body: enough for an error message or a token. */
  body: string;
}

/**
 * Why a request got no HTTP answer, in words safe to store in a delivery log and show to the
 * tenant: never the URL (it may carry a token), never request headers.
 */
export class OutboundRequestError extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'timeout' | 'network',
  ) {
    super(message);
    this.name = 'OutboundRequestError';
  }
}

const maxResponseBytes = 64 * 1024;

/**
 * Sends one request to an integration URL through the outbound guard: the scheme rule, the
 * address judged at connect time (names through the guarded lookup, IP literals here, as Node
 * skips lookup for them), a whole-request deadline, no redirects followed (a 3xx is an answer
 * like any other) and a capped response body.
 */
export async function sendGuardedRequest(
  request: GuardedRequest,
  outbound: IntegrationOutbound,
): Promise<GuardedResponse> {
  const form = judgeIntegrationUrlForm(request.url, outbound.allowHttp);
  if ('problem' in form) {
    throw new OutboundRequestError(`URL refused (${form.problem.reason})`, 'refused');
  }
  const { url } = form;
  const policy = compileOutboundPolicy(outbound.policy);
  const host = normalizeHostName(url.hostname);
  if (isIP(host) !== 0) {
    const reason = judgeAddressWithPolicy(host, policy);
    if (reason !== undefined) throw refused(new ClusterAddressRefusedError({ reason, host }));
  }
  const lookup = createGuardedLookup(outbound.policy, outbound.resolver ?? systemResolver);
  const send = url.protocol === 'https:' ? https.request : http.request;

  return new Promise<GuardedResponse>((resolve, reject) => {
    const req = send(url, {
      method: request.method,
      headers: {
        ...request.headers,
        ...(request.body === undefined
          ? {}
          : { 'content-length': Buffer.byteLength(request.body) }),
      },
      lookup,
      agent: false,
      ...(url.protocol === 'https:' ? { minVersion: 'TLSv1.2' as const } : {}),
    });
    const deadline = setTimeout(
      () =>
        req.destroy(
          new OutboundRequestError(`no answer within ${request.timeoutMs} ms`, 'timeout'),
        ),
      request.timeoutMs,
    );
    req.on('error', (error) => {
      clearTimeout(deadline);
      reject(describeNetworkError(error));
    });
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size >= maxResponseBytes) return;
        chunks.push(chunk.subarray(0, maxResponseBytes - size));
        size += chunk.length;
      });
      response.on('error', (error) => {
        clearTimeout(deadline);
        reject(describeNetworkError(error));
      });
      response.on('end', () => {
        clearTimeout(deadline);
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.end(request.body);
  });
}

function refused(error: ClusterAddressRefusedError): OutboundRequestError {
  return new OutboundRequestError(
    `address refused by the outbound guard (${error.reason})`,
    'refused',
  );
}

/** A node network error as a short, secret-free sentence (its code, not its URL). */
function describeNetworkError(error: unknown): OutboundRequestError {
  if (error instanceof OutboundRequestError) return error;
  if (error instanceof ClusterAddressRefusedError) return refused(error);
  const code = (error as NodeJS.ErrnoException).code;
  return new OutboundRequestError(
    code ? `connection failed (${code})` : 'connection failed',
    'network',
  );
}
