/**
 * The control API of the simulated cluster, for tests, the demo and rubric authors: seed
 * objects, move time, read the request log, inject faults, change the image catalogue. The
 * same operations are served over HTTPS under `/_sim/` (admin token) by `controlRoutes`.
 */
import { ApiError, badRequest } from './errors.js';
import type { Registry } from './api/registry.js';
import { namespacesResource, resourceForKind } from './api/resources/index.js';
import type { JsonAnswer } from './api/resource-routes.js';
import type { SimClock } from './clock.js';
import type { ImageCatalogue } from './controllers/image-catalogue.js';
import type { FaultInjector, FaultRule, FaultRuleInput } from './faults.js';
import type { RequestLog, RequestLogEntry } from './request-log.js';
import { isRecord, type KubeObject } from './types.js';

export interface SimulatedClusterControl {
  /**
   * Creates objects as an admin would, through the same defaults and validation as the API,
   * keeping any `status` given (so a Running pod can be seeded). Accepts one object, an array,
   * or a `List`; missing namespaces are created.
   */
  seed(objects: unknown): Promise<KubeObject[]>;
  /** Moves simulated time forward, firing due timers in order and letting controllers react. */
  advanceTime(ms: number): Promise<void>;
  /** Current simulated time. */
  now(): Date;
  /** Waits until controllers have reacted to every change made so far. */
  settle(): Promise<void>;
  /** API requests received so far (control requests are not logged). */
  requests(): RequestLogEntry[];
  clearRequests(): void;
  addFault(rule: FaultRuleInput): FaultRule;
  faults(): FaultRule[];
  /** Removes one fault rule by id, or all; returns how many were removed. */
  clearFaults(id?: string): number;
  /** Makes `repository:tag` pullable (`addImage('nginx', ['1.99'])`). */
  addImage(repository: string, tags: string[]): void;
  /** Removes a tag, or the whole repository, from the catalogue. */
  removeImage(repository: string, tag?: string): void;
  images(): Record<string, string[]>;
}

export interface ControlDependencies {
  registry: Registry;
  clock: SimClock;
  requestLog: RequestLog;
  faults: FaultInjector;
  images: ImageCatalogue;
  settle(): Promise<void>;
}

function itemsOf(input: unknown): unknown[] {
  if (Array.isArray(input)) return input.flatMap(itemsOf);
  if (
    isRecord(input) &&
    typeof input.kind === 'string' &&
    input.kind.endsWith('List') &&
    Array.isArray(input.items)
  ) {
    return input.items;
  }
  return [input];
}

export function createControl(deps: ControlDependencies): SimulatedClusterControl {
  return {
    async seed(objects) {
      const created: KubeObject[] = [];
      for (const item of itemsOf(objects)) {
        if (
          !isRecord(item) ||
          typeof item.apiVersion !== 'string' ||
          typeof item.kind !== 'string'
        ) {
          throw badRequest('each seeded object needs apiVersion and kind');
        }
        const def = resourceForKind(item.apiVersion, item.kind);
        if (!def)
          throw badRequest(`the simulated cluster does not serve ${item.apiVersion} ${item.kind}`);
        const meta = isRecord(item.metadata) ? item.metadata : {};
        const namespace = def.namespaced
          ? typeof meta.namespace === 'string'
            ? meta.namespace
            : 'default'
          : undefined;
        if (namespace && !deps.registry.find(namespacesResource, undefined, namespace)) {
          deps.registry.create(
            namespacesResource,
            undefined,
            { metadata: { name: namespace } },
            { manager: 'kubegrade-sim-seed' },
          );
        }
        created.push(
          deps.registry.create(def, namespace, item, {
            manager: 'kubegrade-sim-seed',
            keepStatus: true,
          }),
        );
      }
      await deps.settle();
      return created;
    },
    advanceTime: (ms) => deps.clock.advance(ms),
    now: () => deps.clock.now(),
    settle: () => deps.settle(),
    requests: () => deps.requestLog.list(),
    clearRequests: () => deps.requestLog.clear(),
    addFault: (rule) => deps.faults.add(rule),
    faults: () => deps.faults.list(),
    clearFaults: (id) => deps.faults.clear(id),
    addImage: (repository, tags) => deps.images.add(repository, tags),
    removeImage: (repository, tag) => deps.images.remove(repository, tag),
    images: () => deps.images.list(),
  };
}

function numberField(body: unknown, field: string): number {
  const value = isRecord(body) ? body[field] : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw badRequest(`body.${field} must be a number >= 0`);
  return value;
}

/**
 * `/_sim/...` over HTTPS:
 * GET/DELETE /_sim/requests · POST /_sim/seed · GET /_sim/time · POST /_sim/time/advance {ms}
 * GET/POST/DELETE /_sim/faults · DELETE /_sim/faults/<id> · GET/POST /_sim/images
 * DELETE /_sim/images {repository, tag?} · GET /_sim/process (CPU and memory of the serving
 * process, for benchmarks that run the cluster in a process of its own)
 */
export function controlRoutes(control: SimulatedClusterControl, speed: number) {
  return async (request: {
    method: string;
    path: string;
    query: URLSearchParams;
    body: unknown;
  }): Promise<JsonAnswer | undefined> => {
    const { method, path, body } = request;
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /_sim/requests':
        return { status: 200, body: { items: control.requests() } };
      case 'DELETE /_sim/requests':
        control.clearRequests();
        return { status: 200, body: { cleared: true } };
      case 'POST /_sim/seed':
        return { status: 201, body: { items: await control.seed(body) } };
      case 'GET /_sim/process':
        return {
          status: 200,
          body: { pid: process.pid, cpuUsage: process.cpuUsage(), memory: process.memoryUsage() },
        };
      case 'GET /_sim/time':
        return { status: 200, body: { now: control.now().toISOString(), speed } };
      case 'POST /_sim/time/advance':
        await control.advanceTime(numberField(body, 'ms'));
        return { status: 200, body: { now: control.now().toISOString(), speed } };
      case 'GET /_sim/faults':
        return { status: 200, body: { items: control.faults() } };
      case 'POST /_sim/faults':
        try {
          return { status: 201, body: control.addFault(body as FaultRuleInput) };
        } catch (error) {
          throw badRequest(`invalid fault rule: ${(error as Error).message}`);
        }
      case 'DELETE /_sim/faults':
        return { status: 200, body: { removed: control.clearFaults() } };
      case 'GET /_sim/images':
        return { status: 200, body: { repositories: control.images() } };
      case 'POST /_sim/images': {
        const repository = isRecord(body) ? body.repository : undefined;
        const tags = isRecord(body) ? body.tags : undefined;
        if (
          typeof repository !== 'string' ||
          !Array.isArray(tags) ||
          !tags.every((t) => typeof t === 'string')
        ) {
          throw badRequest('body must be {"repository": string, "tags": string[]}');
        }
        control.addImage(repository, tags as string[]);
        return { status: 200, body: { repositories: control.images() } };
      }
      case 'DELETE /_sim/images': {
        const repository = isRecord(body) ? body.repository : undefined;
        const tag = isRecord(body) ? body.tag : undefined;
        if (typeof repository !== 'string')
          throw badRequest('body must be {"repository": string, "tag"?: string}');
        control.removeImage(repository, typeof tag === 'string' ? tag : undefined);
        return { status: 200, body: { repositories: control.images() } };
      }
      default:
        if (method === 'DELETE' && path.startsWith('/_sim/faults/')) {
          const removed = control.clearFaults(
            decodeURIComponent(path.slice('/_sim/faults/'.length)),
          );
          if (removed === 0) throw new ApiError(404, 'NotFound', 'no such fault rule');
          return { status: 200, body: { removed } };
        }
        return undefined;
    }
  };
}
