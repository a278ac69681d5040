/**
 * How elements of well-known Kubernetes lists are identified, so that an expected
 * `containers: [{ name: web, ... }]` is compared with the learner's container named web
 * wherever it sits in the list. The noun is for feedback ("on container "web"").
 */
export interface ListKey {
  key: string;
  noun: string;
}

const wellKnownListKeys: Record<string, ListKey> = {
  containers: { key: 'name', noun: 'container' },
  initContainers: { key: 'name', noun: 'init container' },
  ephemeralContainers: { key: 'name', noun: 'ephemeral container' },
  ports: { key: 'containerPort', noun: 'port' },
  env: { key: 'name', noun: 'environment variable' },
  volumes: { key: 'name', noun: 'volume' },
  volumeMounts: { key: 'mountPath', noun: 'volume mount' },
  imagePullSecrets: { key: 'name', noun: 'image pull secret' },
  conditions: { key: 'type', noun: 'condition' },
  containerStatuses: { key: 'name', noun: 'container status' },
};

/** The key for a list field, a check's own override (`listKeys: { ports: name }`) winning. */
export function listKeyFor(
  field: string,
  overrides: Readonly<Record<string, string>> = {},
): ListKey | undefined {
  const known = Object.hasOwn(wellKnownListKeys, field) ? wellKnownListKeys[field] : undefined;
  const override = Object.hasOwn(overrides, field) ? overrides[field] : undefined;
  if (override !== undefined) return { key: override, noun: known?.noun ?? singular(field) };
  return known;
}

/** The noun for an element of any list, for feedback. */
export function elementNoun(field: string): string {
  return (
    (Object.hasOwn(wellKnownListKeys, field) ? wellKnownListKeys[field]?.noun : undefined) ??
    singular(field)
  );
}

function singular(field: string): string {
  return field.endsWith('s') ? field.slice(0, -1) : `${field} element`;
}
