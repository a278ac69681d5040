import { request as httpsRequest } from 'node:https';
import {
  ResponseContext,
  type PromiseHttpLibrary,
  type RequestContext,
} from '@kubernetes/client-node';
import type { ClusterConnection } from './cluster-connection.js';
import type { ClusterRequestLog } from './request-log.js';

/** Raised when a request did not finish within its time limit. */
export class ClusterRequestTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the cluster did not answer within ${timeoutMs} ms`);
    this.name = 'ClusterRequestTimeoutError';
  }
}

/**
 * The HTTP transport under @kubernetes/client-node's generated APIs for one attempt. It replaces
 * the client's default fetch so that: the vetted agent is always used, redirects are never
 * followed (a 3xx is returned as it is), every request has a time limit, and every request is
 * recorded.
 */
export function createGuardedHttpLibrary(
  connection: ClusterConnection,
  log: ClusterRequestLog,
  attemptSignal: AbortSignal | undefined,
): PromiseHttpLibrary {
  return {
    send: (context: RequestContext) => send(context, connection, log, attemptSignal),
  };
}

function send(
  context: RequestContext,
  connection: ClusterConnection,
  log: ClusterRequestLog,
  attemptSignal: AbortSignal | undefined,
): Promise<ResponseContext> {
  const url = new URL(context.getUrl());
  if (url.origin !== connection.server.origin) {
    return Promise.reject(new Error('refusing a request outside the learner cluster'));
  }
  const started = performance.now();
  const method = context.getHttpMethod().toString();
  const body = context.getBody();
  const path = url.pathname + url.search;

  return new Promise<ResponseContext>((resolve, reject) => {
    // A whole-request deadline: a server that trickles bytes must not hold the grader.
    const deadline = setTimeout(
      () => req.destroy(new ClusterRequestTimeoutError(connection.requestTimeoutMs)),
      connection.requestTimeoutMs,
    );
    const finish = (status: number | 'error') => {
      clearTimeout(deadline);
      log.record({ method, path, status, ms: Math.round(performance.now() - started) });
    };
    const req = httpsRequest(url, {
      method,
      agent: connection.agent,
      headers: { ...context.getHeaders(), ...connection.headers, accept: 'application/json' },
      signal: attemptSignal,
    });
    req.on('error', (error) => {
      finish('error');
      reject(error);
    });
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => {
        finish('error');
        reject(error);
      });
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        finish(status);
        const data = Buffer.concat(chunks);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve(
          new ResponseContext(status, headers, {
            text: async () => data.toString('utf8'),
            binary: async () => data,
          }),
        );
      });
    });
    if (typeof body === 'string') req.write(body);
    req.end();
  });
}
