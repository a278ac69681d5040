import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface WorkerProbe {
  name: string;
  check: () => Promise<void>;
}

/**
 * The worker's small HTTP listener: `/metrics` for Prometheus, `/healthz` for the liveness probe
 * (the process answers and its BullMQ worker runs), `/readyz` for readiness (PostgreSQL and
 * Redis answer) and `/drain` for Kubernetes' preStop hook: the worker stops taking jobs and the
 * request is answered once the jobs it holds are finished, so SIGTERM finds nothing in flight.
 * Plain node:http: a worker needs no routing framework for four paths.
 */
export async function startWorkerMetricsServer(options: {
  host: string;
  port: number;
  registry: Registry;
  isRunning: () => boolean;
  readiness: WorkerProbe[];
  /** Stops taking new jobs; resolves when the jobs in hand are finished. */
  drain: () => Promise<void>;
}): Promise<{ server: Server; port: number; stop: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type }).end(body);
    };
    const json = (status: number, body: unknown) =>
      reply(status, 'application/json', JSON.stringify(body));
    if (req.method !== 'GET') return json(405, { status: 'method not allowed' });
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => reply(200, options.registry.contentType, text),
        () => json(500, { status: 'metrics unavailable' }),
      );
      return;
    }
    if (path === '/healthz') {
      const running = options.isRunning();
      return json(running ? 200 : 503, { status: running ? 'ok' : 'stopped' });
    }
    if (path === '/readyz') {
      void readiness(options.readiness).then(({ ready, checks }) =>
        json(ready ? 200 : 503, { status: ready ? 'ok' : 'unavailable', checks }),
      );
      return;
    }
    if (path === '/drain') {
      options.drain().then(
        () => json(200, { status: 'drained' }),
        () => json(500, { status: 'drain failed' }),
      );
      return;
    }
    json(404, { status: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readiness(probes: WorkerProbe[]) {
  const results = await Promise.all(
    probes.map(async (probe) => {
      try {
        await probe.check();
        return [probe.name, 'ok'] as const;
      } catch {
        return [probe.name, 'unavailable'] as const;
      }
    }),
  );
  return {
    ready: results.every(([, status]) => status === 'ok'),
    checks: Object.fromEntries(results),
  };
}
