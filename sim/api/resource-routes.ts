/**
 * Resource URLs (`/api/v1/namespaces/<ns>/pods/<name>/<sub>`, `/apis/apps/v1/deployments`, ...)
 * mapped to verbs and answered through the registry. Transport stays in server.ts; this file
 * turns one parsed request into one answer.
 */
import type { ServerResponse } from 'node:http';
import {
  ApiError,
  badRequest,
  methodNotAllowed,
  notFoundPath,
  unsupportedMediaType,
} from '../errors.js';
import type { ContainerLogs } from '../controllers/container-logs.js';
import type { ObjectStore } from '../store/object-store.js';
import { isRecord, type KubeObject, type Pod } from '../types.js';
import { patchTypeOf } from './patch.js';
import { servePodLog } from './pod-log.js';
import type { DeleteOptions, Registry } from './registry.js';
import { findResource } from './resources/index.js';
import { apiVersionOf, type ResourceDefinition } from './resources/resource-definition.js';
import { scaleOf, writeScale } from './scale-subresource.js';
import { includeObjectOf, toTable, wantsTable } from './table.js';
import { startWatch } from './watch-stream.js';

export interface ResourcePath {
  def: ResourceDefinition;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export type Verb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** Parses a resource URL; undefined when the path names no served resource. */
export function parseResourcePath(path: string): ResourcePath | undefined {
  const segments = path
    .split('/')
    .filter((s) => s.length > 0)
    .map(decodeURIComponent);
  let group = '';
  let version: string | undefined;
  let rest: string[];
  if (segments[0] === 'api') {
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis') {
    group = segments[1] ?? '';
    version = segments[2];
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  if (!version || rest.length === 0) return undefined;
  let namespace: string | undefined;
  const sub = rest[2];
  if (rest[0] === 'namespaces' && rest.length >= 3 && sub !== 'status' && sub !== 'finalize') {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = '', name, subresource, ...extra] = rest;
  if (extra.length > 0) return undefined;
  const def = findResource(group, version, resource);
  if (!def) return undefined;
  if (namespace !== undefined && !def.namespaced) return undefined;
  if (namespace === undefined && def.namespaced && name !== undefined) return undefined;
  if (subresource !== undefined && !def.subresources.includes(subresource)) return undefined;
  return {
    def,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}

export function isWatchQuery(query: URLSearchParams): boolean {
  const watch = query.get('watch');
  return watch === 'true' || watch === '1';
}

export function verbOf(
  method: string,
  path: ResourcePath,
  query: URLSearchParams,
): Verb | undefined {
  switch (method) {
    case 'GET':
      if (isWatchQuery(query)) return 'watch';
      return path.name === undefined ? 'list' : 'get';
    case 'POST':
      return path.name === undefined ? 'create' : undefined;
    case 'PUT':
      return path.name === undefined ? undefined : 'update';
    case 'PATCH':
      return path.name === undefined ? undefined : 'patch';
    case 'DELETE':
      return path.name === undefined ? 'deletecollection' : 'delete';
    default:
      return undefined;
  }
}

export interface ResourceRequest {
  path: ResourcePath;
  verb: Verb;
  query: URLSearchParams;
  contentType: string;
  body: Buffer;
  userAgent: string;
  /** The Accept header: `as=Table` asks for server-side printing. */
  accept: string;
  /** Fault injection for watches. */
  closeWatchAfterMs?: number;
}

export interface ResourceRouteDependencies {
  store: ObjectStore;
  registry: Registry;
  logs: ContainerLogs;
  parseBody(body: Buffer, contentType: string): unknown;
  track(close: () => void): () => void;
  /** Simulated time, for the Age column of tables. */
  now(): Date;
}

export type JsonAnswer = { status: number; body: unknown };

function managerOf(query: URLSearchParams, userAgent: string): string {
  const explicit = query.get('fieldManager');
  if (explicit) return explicit;
  const prefix = userAgent.split('/')[0]?.trim();
  return prefix ? prefix.slice(0, 128) : 'unknown';
}

/** The label and field selectors of a list or deletecollection request. */
function selectorsOf(query: URLSearchParams): { labelSelector?: string; fieldSelector?: string } {
  return {
    labelSelector: query.get('labelSelector') ?? undefined,
    fieldSelector: query.get('fieldSelector') ?? undefined,
  };
}

function stripTypeMeta(object: KubeObject): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...object };
  delete copy.kind;
  delete copy.apiVersion;
  return copy;
}

function deleteOptionsFrom(query: URLSearchParams, body: unknown): DeleteOptions {
  const options: DeleteOptions = {};
  const fromBody = isRecord(body) ? body : {};
  const grace = query.get('gracePeriodSeconds') ?? fromBody.gracePeriodSeconds;
  if (grace !== undefined && grace !== null && grace !== '') {
    const value = Number(grace);
    if (!Number.isFinite(value))
      throw badRequest(`gracePeriodSeconds: Invalid value: "${String(grace)}"`);
    options.gracePeriodSeconds = value;
  }
  let policy = query.get('propagationPolicy') ?? fromBody.propagationPolicy;
  if (policy === undefined && fromBody.orphanDependents !== undefined) {
    policy = fromBody.orphanDependents === true ? 'Orphan' : 'Background';
  }
  if (policy !== undefined && policy !== null) {
    if (policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
      throw badRequest(
        `propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    options.propagationPolicy = policy;
  }
  if (isRecord(fromBody.preconditions)) {
    const pre = fromBody.preconditions;
    options.preconditions = {
      ...(typeof pre.uid === 'string' ? { uid: pre.uid } : {}),
      ...(typeof pre.resourceVersion === 'string' ? { resourceVersion: pre.resourceVersion } : {}),
    };
  }
  const dryRun =
    query.get('dryRun') ?? (Array.isArray(fromBody.dryRun) ? fromBody.dryRun[0] : undefined);
  if (dryRun === 'All') options.dryRun = true;
  return options;
}

/**
 * Answers one resource request. JSON answers are returned; watches and logs write to `res`
 * themselves (and return undefined).
 */
export function handleResourceRequest(
  deps: ResourceRouteDependencies,
  request: ResourceRequest,
  res: ServerResponse,
): JsonAnswer | undefined {
  const { path, verb, query } = request;
  const { def, namespace, name, subresource } = path;
  const { registry } = deps;
  const manager = managerOf(query, request.userAgent);
  const dryRun = query.get('dryRun') === 'All';
  const status = subresource === 'status' ? ({ subresource: 'status' } as const) : {};
  const table = wantsTable(request.accept) && subresource === undefined;
  const asTable = (objects: KubeObject[]): Record<string, unknown> =>
    toTable(def.kind, objects, {
      now: deps.now(),
      resourceVersion: String(deps.store.currentRevision),
      include: includeObjectOf(query),
    });
  /** A list of this resource at the store's current revision (list, and deletecollection). */
  const listOf = (items: Array<Record<string, unknown>>): Record<string, unknown> => ({
    kind: def.listKind,
    apiVersion: apiVersionOf(def),
    metadata: { resourceVersion: String(deps.store.currentRevision) },
    items,
  });

  if (subresource === 'log') {
    if (verb !== 'get') throw methodNotAllowed();
    const pod = registry.get(def, namespace, name ?? '') as Pod;
    servePodLog(deps.logs, { pod, query }, res, deps.track);
    return undefined;
  }

  if (subresource === 'scale') return serveScale(deps, request, manager, dryRun);
  // exec is served on the upgraded connection (sim/exec); a plain request cannot stream.
  if (subresource === 'exec') throw badRequest('Upgrade request required');

  switch (verb) {
    case 'get': {
      const object = registry.get(def, namespace, name ?? '');
      return { status: 200, body: table ? asTable([object]) : object };
    }
    case 'list': {
      const items = registry.list(def, namespace, selectorsOf(query));
      if (table) return { status: 200, body: asTable(items) };
      return { status: 200, body: listOf(items.map(stripTypeMeta)) };
    }
    case 'watch': {
      const watchQuery = new URLSearchParams(query);
      if (name !== undefined) {
        const existing = watchQuery.get('fieldSelector');
        watchQuery.set(
          'fieldSelector',
          existing ? `${existing},metadata.name=${name}` : `metadata.name=${name}`,
        );
      }
      startWatch(
        { store: deps.store, registry, track: deps.track },
        {
          def,
          namespace,
          query: watchQuery,
          ...(table ? { encode: (object: KubeObject) => asTable([object]) } : {}),
          ...(request.closeWatchAfterMs !== undefined
            ? { closeAfterMs: request.closeWatchAfterMs }
            : {}),
        },
        res,
      );
      return undefined;
    }
    case 'create': {
      const body = deps.parseBody(request.body, request.contentType);
      return { status: 201, body: registry.create(def, namespace, body, { manager, dryRun }) };
    }
    case 'update': {
      const body = deps.parseBody(request.body, request.contentType);
      return {
        status: 200,
        body: registry.update(def, namespace, name ?? '', body, { manager, dryRun, ...status }),
      };
    }
    case 'patch': {
      const type = patchTypeOf(request.contentType);
      if (!type) throw unsupportedMediaType(request.contentType);
      if (type === 'apply' && !query.get('fieldManager')) {
        throw new ApiError(
          422,
          'Invalid',
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        );
      }
      const patch = deps.parseBody(
        request.body,
        type === 'apply' ? 'application/yaml' : 'application/json',
      );
      const existed = registry.find(def, namespace, name ?? '') !== undefined;
      const result = registry.patch(def, namespace, name ?? '', type, patch, {
        manager,
        dryRun,
        ...status,
      });
      return { status: type === 'apply' && !existed ? 201 : 200, body: result };
    }
    case 'delete': {
      const body = request.body.length > 0 ? deps.parseBody(request.body, request.contentType) : {};
      const result = registry.delete(def, namespace, name ?? '', deleteOptionsFrom(query, body));
      return { status: 200, body: 'object' in result ? result.object : result.status };
    }
    case 'deletecollection': {
      const body = request.body.length > 0 ? deps.parseBody(request.body, request.contentType) : {};
      const options = deleteOptionsFrom(query, body);
      const items = registry.list(def, namespace, selectorsOf(query));
      const deleted: Array<Record<string, unknown>> = [];
      for (const item of items) {
        const result = registry.delete(
          def,
          item.metadata.namespace,
          item.metadata.name ?? '',
          options,
        );
        if ('object' in result) deleted.push(stripTypeMeta(result.object));
      }
      return { status: 200, body: listOf(deleted) };
    }
    default:
      throw notFoundPath();
  }
}

function serveScale(
  deps: ResourceRouteDependencies,
  request: ResourceRequest,
  manager: string,
  dryRun: boolean,
): JsonAnswer {
  const { def, namespace, name = '' } = request.path;
  const target = { def, namespace, name };
  if (request.verb === 'get')
    return { status: 200, body: scaleOf(deps.registry.get(def, namespace, name)) };
  if (request.verb === 'update') {
    const body = deps.parseBody(request.body, request.contentType);
    return {
      status: 200,
      body: writeScale(deps.registry, target, { kind: 'update', body }, { manager, dryRun }),
    };
  }
  if (request.verb === 'patch') {
    const type = patchTypeOf(request.contentType);
    if (!type || type === 'apply') throw unsupportedMediaType(request.contentType);
    const patch = deps.parseBody(request.body, 'application/json');
    return {
      status: 200,
      body: writeScale(deps.registry, target, { kind: 'patch', type, patch }, { manager, dryRun }),
    };
  }
  throw methodNotAllowed();
}
