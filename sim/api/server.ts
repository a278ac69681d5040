/**
 * The HTTPS front of the simulated API server: authentication, the request log, fault
 * injection, then routing to discovery, OpenAPI, resources or the `/_sim` control API.
 * Every answer is JSON (or text for logs), whatever protobuf the client offers to accept;
 * protobuf request bodies are decoded for the kinds kubectl sends that way.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { load } from 'js-yaml';
import type { ContainerLogs } from '../controllers/container-logs.js';
import {
  ApiError,
  badRequest,
  forbiddenPath,
  methodNotAllowed,
  notFoundPath,
  unauthorized,
} from '../errors.js';
import { handleExecUpgrade } from '../exec/exec-upgrade.js';
import type { FaultInjector, FaultRule } from '../faults.js';
import type { RequestLog, RequestLogEntry } from '../request-log.js';
import type { ObjectStore } from '../store/object-store.js';
import {
  authenticate,
  authorizePath,
  authorizeResource,
  type AuthConfig,
  type Identity,
} from './auth.js';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  SERVER_VERSION,
} from './discovery.js';
import { openApiV3GroupVersion, openApiV3Root } from './openapi.js';
import {
  decodeKubernetesProtobuf,
  isKubernetesProtobuf,
} from './protobuf/decode-kubernetes-protobuf.js';
import type { Registry } from './registry.js';
import {
  handleResourceRequest,
  isWatchQuery,
  parseResourcePath,
  verbOf,
  type JsonAnswer,
} from './resource-routes.js';

/** Handles `/_sim/...`; returns undefined for an unknown control path. */
export type ControlHandler = (request: {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}) => Promise<JsonAnswer | undefined>;

export interface ApiServerOptions {
  certPem: string;
  keyPem: string;
  store: ObjectStore;
  registry: Registry;
  logs: ContainerLogs;
  faults: FaultInjector;
  requestLog: RequestLog;
  auth: AuthConfig;
  control: ControlHandler;
  /** Simulated time. */
  now: () => Date;
  /** Where unexpected errors are reported (500 answers never carry their details). */
  reportError: (error: unknown) => void;
}

const MAX_BODY_BYTES = 3 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'),
        );
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseBody(body: Buffer, contentType: string): unknown {
  if (isKubernetesProtobuf(contentType)) return decodeKubernetesProtobuf(body);
  const text = body.toString('utf8');
  if (text.trim() === '') throw badRequest('the request body is empty');
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type.includes('protobuf') || type.includes('cbor')) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (jsonError) {
    if (type.includes('yaml')) {
      try {
        return load(text);
      } catch (yamlError) {
        throw badRequest(`error converting YAML to JSON: ${(yamlError as Error).message}`);
      }
    }
    throw badRequest(
      `couldn't get version/kind; json parse error: ${(jsonError as Error).message}`,
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class ApiServer {
  private readonly server: Server;
  private readonly openStreams = new Set<() => void>();

  constructor(private readonly o: ApiServerOptions) {
    this.server = createServer({ cert: o.certPem, key: o.keyPem }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => this.fail(res, error));
    });
    this.server.keepAliveTimeout = 5000;
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      handleExecUpgrade(
        {
          registry: o.registry,
          auth: o.auth,
          track: this.track,
          log: (entry) => {
            const logged = o.requestLog.begin({
              time: new Date().toISOString(),
              method: entry.method,
              path: entry.path,
              query: Object.fromEntries(entry.query),
              identity: entry.identity,
              userAgent: entry.userAgent,
              watch: false,
            });
            logged.status = entry.status;
          },
        },
        req,
        socket,
        head,
      );
    });
  }

  async listen(port: number, host: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  /** Ends open watches and log streams, then closes every connection. */
  async close(): Promise<void> {
    for (const close of [...this.openStreams]) close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private track = (close: () => void): (() => void) => {
    this.openStreams.add(close);
    return () => this.openStreams.delete(close);
  };

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (res.headersSent) {
      if (!res.writableEnded) res.end();
      return;
    }
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
      'Cache-Control': 'no-cache, private',
      'Audit-Id': randomUUID(),
      'Content-Length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  }

  private fail(res: ServerResponse, error: unknown): void {
    if (error instanceof ApiError) {
      this.send(res, error.code, error.toStatus());
      return;
    }
    this.o.reportError(error);
    this.send(
      res,
      500,
      new ApiError(
        500,
        'InternalError',
        'Internal error occurred: the simulated API server failed',
      ).toStatus(),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const query = url.searchParams;
    const method = (req.method ?? 'GET').toUpperCase();

    let identity: Identity | undefined;
    let authError: unknown;
    try {
      identity = authenticate(this.o.auth, req.headers.authorization);
    } catch (error) {
      authError = error;
    }

    if (path === '/_sim' || path.startsWith('/_sim/')) {
      if (!identity) throw authError ?? unauthorized();
      if (identity.token !== 'admin') throw forbiddenPath(identity.user, path);
      const raw = await readBody(req);
      const body =
        raw.length > 0
          ? parseBody(raw, req.headers['content-type'] ?? 'application/json')
          : undefined;
      const answer = await this.o.control({ method, path, query, body });
      if (!answer) throw notFoundPath();
      this.send(res, answer.status, answer.body);
      return;
    }

    const watch = isWatchQuery(query);
    const entry = this.o.requestLog.begin({
      time: new Date().toISOString(),
      method,
      path,
      query: Object.fromEntries(query),
      identity: identity?.token ?? 'invalid',
      userAgent: req.headers['user-agent'] ?? '',
      watch,
    });
    const started = Date.now();
    const settle = (): void => {
      entry.durationMs ??= Date.now() - started;
      if (res.headersSent && entry.status === 0) entry.status = res.statusCode;
    };
    res.on('finish', settle);
    res.on('close', settle);

    const closeWatchAfterMs = await this.applyFaults(req, res, entry, { method, path, watch });
    if (closeWatchAfterMs === 'handled') return;
    if (authError || !identity) throw authError ?? unauthorized();

    const body = method === 'GET' ? Buffer.alloc(0) : await readBody(req);
    const answer = this.route(identity, { method, path, query, body, req, res, closeWatchAfterMs });
    if (answer) this.send(res, answer.status, answer.body);
    if (res.headersSent && entry.status === 0) entry.status = res.statusCode;
  }

  /** Applies the matching fault rules; 'handled' when the request was answered or dropped. */
  private async applyFaults(
    req: IncomingMessage,
    res: ServerResponse,
    entry: RequestLogEntry,
    request: { method: string; path: string; watch: boolean },
  ): Promise<number | undefined | 'handled'> {
    const rules: FaultRule[] = this.o.faults.take(request);
    let closeAfter: number | undefined;
    for (const rule of rules) {
      entry.fault = entry.fault ? `${entry.fault},${rule.kind}` : rule.kind;
      if (rule.kind === 'latency') await sleep(rule.latencyMs ?? 0);
      else if (rule.kind === 'watch-close-early') closeAfter = rule.afterMs ?? 0;
      else if (rule.kind === 'drop') {
        req.socket.destroy();
        return 'handled';
      } else if (rule.kind === 'status') {
        const status = rule.status ?? 500;
        if (status === 429) {
          const retry = rule.retryAfterSeconds ?? 1;
          const error = new ApiError(
            429,
            'TooManyRequests',
            'Too many requests, please try again later.',
            { retryAfterSeconds: retry },
          );
          this.send(res, 429, error.toStatus(), { 'Retry-After': String(retry) });
        } else if (status === 503) {
          this.send(
            res,
            503,
            new ApiError(
              503,
              'ServiceUnavailable',
              'the server is currently unable to handle the request',
            ).toStatus(),
          );
        } else {
          const error = new ApiError(
            500,
            'InternalError',
            'Internal error occurred: injected fault',
            {
              causes: [{ reason: '', message: 'injected fault', field: '' }],
            },
          );
          this.send(res, 500, error.toStatus());
        }
        return 'handled';
      }
    }
    return closeAfter;
  }

  private route(
    identity: Identity,
    r: {
      method: string;
      path: string;
      query: URLSearchParams;
      body: Buffer;
      req: IncomingMessage;
      res: ServerResponse;
      closeWatchAfterMs: number | undefined;
    },
  ): JsonAnswer | undefined {
    const nonResource = this.nonResource(r.path, r.req);
    if (nonResource) {
      authorizePath(identity, r.path);
      if (r.method !== 'GET' && r.method !== 'HEAD') throw methodNotAllowed();
      return nonResource;
    }
    const parsed = parseResourcePath(r.path);
    if (!parsed) {
      authorizePath(identity, r.path);
      throw notFoundPath();
    }
    const verb = verbOf(r.method, parsed, r.query);
    if (!verb) throw methodNotAllowed();
    authorizeResource(this.o.auth, identity, {
      verb,
      group: parsed.def.group,
      resource: parsed.def.resource,
      ...(parsed.subresource ? { subresource: parsed.subresource } : {}),
      ...(parsed.namespace !== undefined ? { namespace: parsed.namespace } : {}),
      ...(parsed.name !== undefined ? { name: parsed.name } : {}),
    });
    return handleResourceRequest(
      {
        store: this.o.store,
        registry: this.o.registry,
        logs: this.o.logs,
        parseBody,
        track: this.track,
        now: this.o.now,
      },
      {
        path: parsed,
        verb,
        query: r.query,
        contentType: r.req.headers['content-type'] ?? 'application/json',
        body: r.body,
        userAgent: r.req.headers['user-agent'] ?? '',
        accept: r.req.headers.accept ?? '',
        ...(r.closeWatchAfterMs !== undefined ? { closeWatchAfterMs: r.closeWatchAfterMs } : {}),
      },
      r.res,
    );
  }

  private nonResource(path: string, req: IncomingMessage): JsonAnswer | undefined {
    if (path === '/version') return { status: 200, body: SERVER_VERSION };
    if (path === '/healthz' || path === '/livez' || path === '/readyz')
      return { status: 200, body: 'ok' };
    if (path === '/api') {
      const address = req.socket.localAddress ?? '127.0.0.1';
      return {
        status: 200,
        body: apiVersions({
          host: address.replace(/^::ffff:/, ''),
          port: req.socket.localPort ?? 0,
        }),
      };
    }
    if (path === '/apis') return { status: 200, body: apiGroupList() };
    if (path === '/openapi/v3') return { status: 200, body: openApiV3Root() };
    if (path.startsWith('/openapi/v3/')) {
      const doc = openApiV3GroupVersion(path.slice('/openapi/v3/'.length));
      return doc ? { status: 200, body: doc } : undefined;
    }
    const segments = path.split('/').filter((s) => s.length > 0);
    if (segments[0] === 'api' && segments.length === 2) {
      const list = apiResourceList('', segments[1] ?? '');
      return list ? { status: 200, body: list } : undefined;
    }
    if (segments[0] === 'apis' && segments.length === 2) {
      const group = apiGroup(segments[1] ?? '');
      return group ? { status: 200, body: group } : undefined;
    }
    if (segments[0] === 'apis' && segments.length === 3) {
      const list = apiResourceList(segments[1] ?? '', segments[2] ?? '');
      return list ? { status: 200, body: list } : undefined;
    }
    return undefined;
  }
}
