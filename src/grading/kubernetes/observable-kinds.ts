/**
 * The kinds a rubric may refer to, and where the API serves them. The grader reads only these
 * (its Role grants get/list/watch on exactly these resources); each is watched at most once per
 * attempt and namespace, when a check first needs it.
 */
export const observableKindPaths = {
  Pod: { apiVersion: 'v1', plural: 'pods' },
  ReplicaSet: { apiVersion: 'apps/v1', plural: 'replicasets' },
  Deployment: { apiVersion: 'apps/v1', plural: 'deployments' },
  Service: { apiVersion: 'v1', plural: 'services' },
  ConfigMap: { apiVersion: 'v1', plural: 'configmaps' },
  Event: { apiVersion: 'v1', plural: 'events' },
} as const;

export type ObservableKind = keyof typeof observableKindPaths;

export const observableKinds = Object.keys(observableKindPaths) as [
  ObservableKind,
  ...ObservableKind[],
];

/** The collection path of a kind in a namespace: `/apis/apps/v1/namespaces/default/deployments`. */
export function collectionPath(kind: ObservableKind, namespace: string): string {
  const { apiVersion, plural } = observableKindPaths[kind];
  const root = apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`;
  return `${root}/namespaces/${encodeURIComponent(namespace)}/${plural}`;
}
