/**
 * `pods/<name>/exec`, the way kubectl reaches it: an HTTP Upgrade to either WebSocket
 * (`v5.channel.k8s.io` / `v4.channel.k8s.io`, kubectl 1.30 and later, GET) or SPDY/3.1
 * (`X-Stream-Protocol-Version: v4.channel.k8s.io`, older kubectl and the fallback, POST).
 * The command runs in the built-in shell over the container's simulated files.
 *
 * Refusals are written as plain HTTP answers with a Status body before any upgrade, as
 * kube-apiserver does, so kubectl prints `Error from server (NotFound): ...`.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticate, authorizeResource, type AuthConfig } from '../api/auth.js';
import type { Registry } from '../api/registry.js';
import { parseResourcePath } from '../api/resource-routes.js';
import { parseImageReference } from '../controllers/image-catalogue.js';
import { ApiError, badRequest, notFoundPath } from '../errors.js';
import type { Pod } from '../types.js';
import { BuiltinShell, type ShellIo } from './builtin-shell.js';
import { containerFilesystem } from './container-filesystem.js';
import { SpdyConnection } from './spdy-connection.js';

export interface ExecDependencies {
  registry: Registry;
  auth: AuthConfig;
  /** Ends the session when the server stops. */
  track(close: () => void): () => void;
  /** Records the request (status 101 or the refusal). */
  log(entry: {
    method: string;
    path: string;
    query: URLSearchParams;
    identity: string;
    userAgent: string;
    status: number;
  }): void;
}

const WEBSOCKET_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const SPDY_PROTOCOL = 'v4.channel.k8s.io';
const wss = new WebSocketServer({
  noServer: true,
  handleProtocols: (offered) => WEBSOCKET_PROTOCOLS.find((p) => offered.has(p)) ?? false,
});

function refuse(socket: Duplex, error: ApiError): void {
  const body = JSON.stringify(error.toStatus());
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[
    error.code
  ];
  socket.end(
    `HTTP/1.1 ${error.code} ${reason ?? 'Error'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

interface ExecTarget {
  pod: Pod;
  container: string;
  command: string[];
  stdin: boolean;
  tty: boolean;
}

function execTarget(deps: ExecDependencies, req: IncomingMessage, url: URL): ExecTarget {
  const parsed = parseResourcePath(url.pathname);
  if (!parsed || parsed.subresource !== 'exec' || parsed.name === undefined) throw notFoundPath();
  const identity = authenticate(deps.auth, req.headers.authorization);
  authorizeResource(deps.auth, identity, {
    verb: 'create',
    group: '',
    resource: 'pods',
    subresource: 'exec',
    ...(parsed.namespace !== undefined ? { namespace: parsed.namespace } : {}),
    name: parsed.name,
  });
  const pod = deps.registry.get(parsed.def, parsed.namespace, parsed.name) as Pod;
  const query = url.searchParams;
  const command = query.getAll('command');
  if (command.length === 0) throw badRequest('you must specify at least 1 command');
  const names = (pod.spec.containers ?? []).map((c) => c.name ?? '');
  const container = query.get('container') ?? names[0] ?? '';
  if (!names.includes(container))
    throw badRequest(`container ${container} is not valid for pod ${parsed.name}`);
  const status = (pod.status.containerStatuses ?? []).find((c) => c.name === container);
  if (!status?.state || !('running' in status.state)) {
    throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
  }
  const yes = (name: string): boolean => ['true', '1'].includes(query.get(name) ?? '');
  return { pod, container, command, stdin: yes('stdin'), tty: yes('tty') };
}

function shellFor(target: ExecTarget, io: ShellIo): BuiltinShell {
  const spec = (target.pod.spec.containers ?? []).find((c) => c.name === target.container);
  const parsed = parseImageReference(spec?.image ?? '');
  const image = 'error' in parsed ? { fullRepository: '', repository: '' } : parsed;
  const hostname = target.pod.metadata.name ?? '';
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: hostname,
    ...(image.repository.endsWith('nginx')
      ? {
          NGINX_VERSION: `${image.tag ?? '1.29'}.0`.replace(/^(\d+\.\d+\.\d+)\.0$/, '$1'),
          PKG_RELEASE: '1~bookworm',
        }
      : {}),
    ...Object.fromEntries(
      ((spec?.env ?? []) as Array<{ name?: string; value?: string }>)
        .filter((e) => e.name)
        .map((e) => [e.name ?? '', e.value ?? '']),
    ),
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_PORT: '443',
    KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
    HOME: '/root',
    ...(target.tty ? { TERM: 'xterm' } : {}),
  };
  const fs = containerFilesystem(image, { hostname, podIP: target.pod.status.podIP ?? '' });
  return new BuiltinShell({ env, fs, tty: target.tty }, io);
}

/** The Status kubelet writes on the error channel when the command ends. */
function exitStatus(command: string[], code: number): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export function handleExecUpgrade(
  deps: ExecDependencies,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  const url = new URL(req.url ?? '/', 'https://localhost');
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  const entry = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    identity: 'invalid',
    userAgent: req.headers['user-agent'] ?? '',
  };
  let target: ExecTarget;
  try {
    target = execTarget(deps, req, url);
    entry.identity = authenticate(deps.auth, req.headers.authorization).token;
    if (upgrade !== 'websocket' && !upgrade.startsWith('spdy/3.1'))
      throw badRequest(`unsupported upgrade protocol: ${upgrade}`);
  } catch (error) {
    const apiError =
      error instanceof ApiError
        ? error
        : new ApiError(500, 'InternalError', 'Internal error occurred: exec failed');
    deps.log({ ...entry, status: apiError.code });
    refuse(socket, apiError);
    return;
  }
  deps.log({ ...entry, status: 101 });
  if (upgrade === 'websocket') serveWebSocket(deps, req, socket, head, target);
  else serveSpdy(deps, socket, target);
}

function serveWebSocket(
  deps: ExecDependencies,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: ExecTarget,
): void {
  wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
    const send = (channel: number, data: string): void => {
      if (ws.readyState === ws.OPEN)
        ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
    };
    const untrack = deps.track(() => ws.terminate());
    const shell = shellFor(target, {
      stdout: (text) => send(1, text),
      stderr: (text) => send(target.tty ? 1 : 2, text),
      exit: (code) => {
        send(3, JSON.stringify(exitStatus(target.command, code)));
        ws.close(1000);
        untrack();
      },
    });
    ws.on('message', (message: Buffer) => {
      const channel = message[0];
      if (channel === 0) shell.input(message.subarray(1));
      // v5: [255, channel] closes that channel; 0 is stdin.
      else if (channel === 255 && message[1] === 0) shell.endInput();
    });
    ws.on('close', () => {
      shell.endInput();
      untrack();
    });
    shell.start(target.command);
  });
}

function serveSpdy(deps: ExecDependencies, socket: Duplex, target: ExecTarget): void {
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
      `X-Stream-Protocol-Version: ${SPDY_PROTOCOL}\r\n\r\n`,
  );
  const expected = new Set(['error', 'stdout']);
  if (target.stdin) expected.add('stdin');
  if (!target.tty) expected.add('stderr');
  const streams = new Map<string, number>();
  let shell: BuiltinShell | undefined;
  let untrack = (): void => {};
  const connection: SpdyConnection = new SpdyConnection(socket, {
    onStream(id, type) {
      streams.set(type, id);
      if (!shell && [...expected].every((t) => streams.has(t))) {
        shell = shellFor(target, {
          stdout: (text) => connection.write(streams.get('stdout') ?? 0, Buffer.from(text)),
          stderr: (text) =>
            connection.write(streams.get(target.tty ? 'stdout' : 'stderr') ?? 0, Buffer.from(text)),
          exit: (code) => {
            const status = JSON.stringify(exitStatus(target.command, code));
            connection.write(streams.get('error') ?? 0, Buffer.from(status));
            for (const id of streams.values()) connection.end(id);
            connection.close();
            untrack();
          },
        });
        untrack = deps.track(() => connection.close());
        shell.start(target.command);
      }
    },
    onData(id, data) {
      if (id === streams.get('stdin')) shell?.input(data);
    },
    onFin(id) {
      if (id === streams.get('stdin')) shell?.endInput();
    },
    onClose() {
      shell?.endInput();
      untrack();
    },
  });
}
