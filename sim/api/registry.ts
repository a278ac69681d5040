/**
 * The API server's registry: create, update, patch and delete with kube-apiserver's rules
 * (defaults, admission, validation, optimistic concurrency; deletion is in `deletion.ts`).
 * The HTTP layer and the simulated controllers both write through it, so an object made by a
 * controller looks like one made through the API.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { SimClock } from '../clock.js';
import { formatTime } from '../clock.js';
import { ApiError, badRequest, conflict, invalid, notFound } from '../errors.js';
import type { ObjectStore } from '../store/object-store.js';
import { matchFields, parseFieldSelector, parseLabelSelector } from '../store/selectors.js';
import { cloneJson, isRecord, sameJson, type KubeObject } from '../types.js';
import { canonicalObject } from './key-order.js';
import {
  deleteObject,
  removeIfFinalized,
  type DeleteOptions,
  type DeleteResult,
} from './deletion.js';
import { managedFieldsOf, recordManager } from './managed-fields.js';
import { applyPatch, strategicMerge, type PatchType } from './patch.js';
import { namespacesResource } from './resources/index.js';
import {
  apiVersionOf,
  type CreateContext,
  type ResourceDefinition,
} from './resources/resource-definition.js';
import { storeScope } from './store-scope.js';

/** The alphabet kube-apiserver uses for generated name suffixes (no vowels, no look-alikes). */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return out;
}

export interface WriteOptions {
  /** Field manager recorded in managedFields. */
  manager: string;
  dryRun?: boolean;
  subresource?: 'status';
  /** Internal writes (what pods/binding does): skip update validation and keep the given status. */
  trusted?: boolean;
}

export interface CreateOptions extends WriteOptions {
  /** Seeding: keep the given status instead of the one admission sets. */
  keepStatus?: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

// Part of the registry's API: its callers name delete options and finalizers through it.
export {
  FOREGROUND_FINALIZER,
  ORPHAN_FINALIZER,
  type DeleteOptions,
  type DeleteResult,
} from './deletion.js';

export class Registry {
  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SimClock,
    private readonly options: { autoCreateNamespaces: boolean },
  ) {}

  get(def: ResourceDefinition, namespace: string | undefined, name: string): KubeObject {
    return this.store.get(def, storeScope(def, namespace), name);
  }

  find(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    return this.store.find(def, storeScope(def, namespace), name);
  }

  list(
    def: ResourceDefinition,
    namespace: string | undefined,
    options: ListOptions = {},
  ): KubeObject[] {
    const matches = this.selector(def, options);
    return this.store.list(def, storeScope(def, namespace), matches);
  }

  /** A predicate for `labelSelector`/`fieldSelector`; throws 400 for an unsupported field label. */
  selector(def: ResourceDefinition, options: ListOptions): (object: KubeObject) => boolean {
    const labels = parseLabelSelector(options.labelSelector);
    const fields = parseFieldSelector(options.fieldSelector, [
      'metadata.name',
      'metadata.namespace',
      ...def.fieldLabels,
    ]);
    return (object) =>
      labels(object.metadata.labels) &&
      matchFields(fields, {
        'metadata.name': object.metadata.name ?? '',
        'metadata.namespace': object.metadata.namespace ?? '',
        ...(def.fieldsOf?.(object) ?? {}),
      });
  }

  create(
    def: ResourceDefinition,
    namespace: string | undefined,
    body: unknown,
    options: CreateOptions,
  ): KubeObject {
    const object = this.decode(def, body);
    const ns = storeScope(def, namespace);
    if (!object.metadata.name && object.metadata.generateName) {
      object.metadata.name = `${object.metadata.generateName}${randomSuffix(5)}`;
    }
    if (def.namespaced) {
      if (object.metadata.namespace && object.metadata.namespace !== ns) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      object.metadata.namespace = ns;
      this.requireActiveNamespace(def, ns ?? 'default', object.metadata.name ?? '');
    } else {
      delete object.metadata.namespace;
    }
    const ctx: CreateContext = { now: this.clock.now(), randomSuffix };
    const status = object.status;
    for (const key of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'managedFields',
      'selfLink',
    ]) {
      delete object.metadata[key];
    }
    def.applyDefaults?.(object, ctx);
    const causes = def.validate?.(object) ?? [];
    if (causes.length > 0) throw invalid(def.group, def.kind, object.metadata.name ?? '', causes);
    object.metadata.uid = randomUUID();
    object.metadata.creationTimestamp = formatTime(ctx.now);
    if (def.tracksGeneration) object.metadata.generation = 1;
    object.metadata.managedFields = recordManager({
      object,
      previous: [],
      manager: options.manager,
      at: ctx.now,
    });
    def.admit?.(object, ctx);
    if (options.keepStatus && status !== undefined) object.status = status;
    // The store assigns the resourceVersion; its key goes where kube-apiserver writes it
    // (after uid), not after managedFields.
    if (!options.dryRun) object.metadata.resourceVersion = '';
    const final = canonicalObject(def.kind, object);
    if (options.dryRun) return final;
    // `object` was decoded into a copy of the body: nobody else holds it.
    return this.store.create(def, final, { owned: true });
  }

  /** PUT of the resource or of its `status` subresource. */
  update(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions,
  ): KubeObject {
    const incoming = this.decode(def, body);
    if (incoming.metadata.name && incoming.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (
      def.namespaced &&
      incoming.metadata.namespace &&
      incoming.metadata.namespace !== namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const current = this.get(def, namespace, name);
    return this.replace(def, current, incoming, options);
  }

  patch(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    options: WriteOptions,
  ): KubeObject {
    if (type === 'apply') return this.applyServerSide(def, namespace, name, patch, options);
    const current = this.get(def, namespace, name);
    const patched = applyPatch(type, current, patch);
    if (!isRecord(patched) || !isRecord(patched.metadata))
      throw badRequest('the patched object has no metadata');
    const candidate = patched as KubeObject;
    candidate.metadata.name = name;
    return this.replace(def, current, candidate, options);
  }

  /** Reads, changes and writes an object, retrying on conflicts (what controllers do). */
  mutate(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    change: (object: KubeObject) => void,
    options: WriteOptions,
  ): KubeObject | undefined {
    for (let attempt = 0; attempt < 5; attempt++) {
      // The stored object itself, read only: one copy (next) is all a change needs.
      const current = this.store.peek(def, storeScope(def, namespace), name);
      if (!current) return undefined;
      const next = cloneJson(current);
      change(next);
      if (sameJson(next, current)) return cloneJson(current);
      try {
        return this.replace(def, current, next, options, { handOver: true });
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 409)) throw error;
      }
    }
    return undefined;
  }

  /** DELETE with kube-apiserver's protocol: preconditions, grace period, finalizers. */
  delete(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): DeleteResult {
    const current = this.get(def, namespace, name);
    return deleteObject({
      store: this.store,
      clock: this.clock,
      def,
      namespace,
      name,
      current,
      options,
    });
  }

  /** Removes a terminating object once nothing holds it (no finalizers, grace period over). */
  finalizeIfReady(def: ResourceDefinition, object: KubeObject): void {
    removeIfFinalized(this.store, def, object);
  }

  /** Removes an object without any deletion protocol (the namespace controller's last step). */
  purge(def: ResourceDefinition, namespace: string | undefined, name: string): void {
    if (this.find(def, namespace, name)) this.store.remove(def, storeScope(def, namespace), name);
  }

  /**
   * Writes `incoming` over `current`. `current` is only read (it may be the stored object);
   * with `handOver`, `incoming` is the caller's own copy, kept by no one else, so it is changed
   * and stored as it is instead of being copied again.
   */
  private replace(
    def: ResourceDefinition,
    current: KubeObject,
    incoming: KubeObject,
    options: WriteOptions,
    { handOver = false }: { handOver?: boolean } = {},
  ): KubeObject {
    const now = this.clock.now();
    // Optimistic concurrency is checked before validation, as in kube-apiserver's GuaranteedUpdate.
    const expected = incoming.metadata.resourceVersion;
    if (expected && expected !== current.metadata.resourceVersion)
      throw conflict(def.group, def.resource, current.metadata.name ?? '');
    let next: KubeObject;
    if (options.subresource === 'status') {
      next = cloneJson(current);
      next.status = incoming.status;
      // Only a status write's own resourceVersion counts for concurrency control.
      next.metadata.resourceVersion =
        incoming.metadata.resourceVersion ?? current.metadata.resourceVersion;
    } else {
      next = handOver ? incoming : cloneJson(incoming);
      next.apiVersion = current.apiVersion;
      next.kind = current.kind;
      const keep = [
        'name',
        'namespace',
        'uid',
        'creationTimestamp',
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
        'generation',
      ];
      for (const key of keep) {
        if (current.metadata[key] === undefined) delete next.metadata[key];
        else next.metadata[key] = current.metadata[key];
      }
      next.metadata.resourceVersion =
        incoming.metadata.resourceVersion || current.metadata.resourceVersion;
      if (current.status !== undefined && !options.trusted) next.status = cloneJson(current.status);
      if (
        current.metadata.deletionTimestamp &&
        (next.metadata.finalizers ?? []).some(
          (f) => !(current.metadata.finalizers ?? []).includes(f),
        )
      ) {
        throw invalid(def.group, def.kind, current.metadata.name ?? '', [
          {
            reason: 'FieldValueForbidden',
            message: 'Forbidden: no new finalizers can be added if the object is being deleted',
            field: 'metadata.finalizers',
          },
        ]);
      }
      def.prepareUpdate?.(next, current);
      def.applyDefaults?.(next, { now, randomSuffix });
      const causes = options.trusted
        ? []
        : def.validateUpdate
          ? def.validateUpdate(next, current)
          : (def.validate?.(next) ?? []);
      if (causes.length > 0)
        throw invalid(def.group, def.kind, current.metadata.name ?? '', causes);
      if (def.tracksGeneration && !sameJson(next.spec, current.spec)) {
        next.metadata.generation = (current.metadata.generation ?? 1) + 1;
      }
    }
    const comparable = (o: KubeObject): unknown => ({
      ...o,
      metadata: { ...o.metadata, managedFields: undefined, resourceVersion: undefined },
    });
    if (sameJson(comparable(next), comparable(current))) {
      if (next.metadata.resourceVersion !== current.metadata.resourceVersion)
        this.store.update(def, next);
      return cloneJson(current);
    }
    next.metadata.managedFields = recordManager({
      object: next,
      previous: managedFieldsOf(current),
      manager: options.manager,
      at: now,
      ...(options.subresource ? { subresource: options.subresource } : {}),
    });
    const final = canonicalObject(def.kind, next);
    if (options.dryRun) return final;
    // Nothing outside holds `final` unless a status write shares the caller's status.
    const owned = handOver || options.subresource !== 'status';
    const stored = this.store.update(def, final, { owned });
    this.finalizeIfReady(def, stored);
    return stored;
  }

  /** `application/apply-patch+yaml` without field ownership: create, or merge into the live object. */
  private applyServerSide(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    options: WriteOptions,
  ): KubeObject {
    if (!isRecord(patch)) throw badRequest('apply patch must be an object');
    const current = this.find(def, namespace, name);
    if (!current)
      return this.create(
        def,
        namespace,
        { ...patch, metadata: { ...(isRecord(patch.metadata) ? patch.metadata : {}), name } },
        options,
      );
    const merged = strategicMerge(current, patch) as KubeObject;
    return this.replace(def, current, merged, options);
  }

  private decode(def: ResourceDefinition, body: unknown): KubeObject {
    if (!isRecord(body)) throw badRequest("Object 'Kind' is missing in the request body");
    const apiVersion = apiVersionOf(def);
    if (body.kind !== undefined && body.kind !== def.kind) {
      throw badRequest(
        `the body of the request was of kind ${String(body.kind)}, expected ${def.kind}`,
      );
    }
    if (body.apiVersion !== undefined && body.apiVersion !== apiVersion) {
      throw badRequest(
        `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersion})`,
      );
    }
    const object = cloneJson(body) as KubeObject;
    object.kind = def.kind;
    object.apiVersion = apiVersion;
    if (!isRecord(object.metadata)) object.metadata = {};
    return object;
  }

  private requireActiveNamespace(def: ResourceDefinition, namespace: string, name: string): void {
    const found = this.store.peek(namespacesResource, undefined, namespace);
    if (!found) {
      if (this.options.autoCreateNamespaces) {
        this.create(
          namespacesResource,
          undefined,
          { metadata: { name: namespace } },
          { manager: 'kube-apiserver' },
        );
        return;
      }
      throw notFound('', 'namespaces', namespace);
    }
    if (found.metadata.deletionTimestamp) {
      throw new ApiError(
        403,
        'Forbidden',
        `${def.resource} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        { name, kind: def.resource },
      );
    }
  }
}
