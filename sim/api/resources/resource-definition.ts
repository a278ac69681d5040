/**
 * What the API layer needs to know about one resource: names for discovery, the field labels a
 * `fieldSelector` may use, and the hooks kube-apiserver's registry strategy would run
 * (defaults on create, validation, what an update may change).
 */
import type { StatusCause } from '../../errors.js';
import type { KubeObject } from '../../types.js';

export interface CreateContext {
  now: Date;
  /** Random lower-case alphanumerics, for generated names and volume suffixes. */
  randomSuffix(length: number): string;
}

export interface ResourceDefinition {
  group: string;
  version: string;
  /** Plural resource name, e.g. `pods`. */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  /** Subresources served besides the resource itself (`status`, `log`). */
  subresources: string[];
  /** Field labels accepted in `fieldSelector` (metadata.name and metadata.namespace are always accepted). */
  fieldLabels: string[];
  /** Values of the field labels for one object. */
  fieldsOf?(object: KubeObject): Record<string, string>;
  /** Deletion waits for the kubelet (pods): deletionTimestamp first, the object goes later. */
  gracefulDelete?: boolean;
  /** metadata.generation is kept and bumped on spec changes. */
  tracksGeneration?: boolean;
  /** On update, before defaulting: what the storage keeps from the stored object (allocated addresses). */
  prepareUpdate?(next: KubeObject, previous: KubeObject): void;
  /** Defaults applied on create and update before managedFields are recorded (API defaulting). */
  applyDefaults?(object: KubeObject, ctx: CreateContext): void;
  /** Changes made by admission after defaulting (service account volume, tolerations, status). */
  admit?(object: KubeObject, ctx: CreateContext): void;
  validate?(object: KubeObject): StatusCause[];
  /** Validation of an update of the main resource against the stored object. */
  validateUpdate?(next: KubeObject, previous: KubeObject): StatusCause[];
}

export function apiVersionOf(def: ResourceDefinition): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

export const STANDARD_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
