/**
 * Discovery documents (/version, /api, /api/v1, /apis, /apis/apps, /apis/apps/v1) built from
 * the served resources, in the legacy (unaggregated) format that kubectl falls back to when
 * the answer is plain `application/json`.
 */
import { createHash } from 'node:crypto';
import { RESOURCES } from './resources/index.js';
import type { ResourceDefinition } from './resources/resource-definition.js';

export const SERVER_VERSION = {
  major: '1',
  minor: '26',
  gitVersion: 'v1.26.0-kubegrade-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.19.8',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export interface ServerAddress {
  host: string;
  port: number;
}

export function apiVersions(address: ServerAddress): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [
      { clientCIDR: '0.0.0.0/0', serverAddress: `${address.host}:${address.port}` },
    ],
  };
}

function groups(): string[] {
  return [...new Set(RESOURCES.filter((r) => r.group !== '').map((r) => r.group))];
}

function groupDocument(group: string): Record<string, unknown> {
  const versions = [...new Set(RESOURCES.filter((r) => r.group === group).map((r) => r.version))];
  const entries = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: entries, preferredVersion: entries[0] };
}

export function apiGroupList(): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups().map(groupDocument) };
}

export function apiGroup(group: string): Record<string, unknown> | undefined {
  if (!groups().includes(group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(group) };
}

/** Subresources whose kind is not the parent's (as kube-apiserver's discovery lists them). */
const SUBRESOURCE_KINDS: Record<string, Record<string, unknown>> = {
  log: { kind: 'Pod', verbs: ['get'] },
  exec: { kind: 'PodExecOptions', verbs: ['create', 'get'] },
  scale: { group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
};

function resourceEntries(def: ResourceDefinition): Array<Record<string, unknown>> {
  const main: Record<string, unknown> = {
    name: def.resource,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: def.verbs,
  };
  if (def.shortNames) main.shortNames = def.shortNames;
  if (def.categories) main.categories = def.categories;
  // Clients only compare it for changes; this one is derived from the group/version/kind.
  main.storageVersionHash = createHash('sha256')
    .update(`${def.group}/${def.version}/${def.kind}`)
    .digest()
    .subarray(0, 8)
    .toString('base64');
  const subresources = def.subresources.map((sub) => ({
    name: `${def.resource}/${sub}`,
    singularName: '',
    namespaced: def.namespaced,
    ...(SUBRESOURCE_KINDS[sub] ?? { kind: def.kind, verbs: ['get', 'patch', 'update'] }),
  }));
  return [main, ...subresources];
}

/** APIResourceList for `v1` or `group/version`; undefined for a group/version not served. */
export function apiResourceList(
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const served = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (served.length === 0) return undefined;
  const sorted = [...served].sort((a, b) => a.resource.localeCompare(b.resource));
  const doc: Record<string, unknown> = { kind: 'APIResourceList' };
  // kube-apiserver omits apiVersion on the core list but sets it on group lists.
  if (group) doc.apiVersion = 'v1';
  doc.groupVersion = group ? `${group}/${version}` : version;
  doc.resources = sorted.flatMap(resourceEntries);
  return doc;
}
