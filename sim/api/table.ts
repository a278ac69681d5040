/**
 * Server-side printing: `meta.k8s.io/v1 Table` answers for clients that ask for them in
 * `Accept` (kubectl get does, and prints only NAME/AGE without them). Columns follow
 * kube-apiserver's printers for the served kinds.
 */
import {
  isRecord,
  type CoreEvent,
  type Deployment,
  type KubeObject,
  type Node,
  type Pod,
  type ReplicaSet,
} from '../types.js';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number;

export type IncludeObject = 'None' | 'Object' | 'Metadata';

export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some((part) => /as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

const col = (name: string, type: Column['type'] = 'string', priority = 0, format = ''): Column => ({
  name,
  type,
  format,
  description: `${name} of the object`,
  priority,
});

/** kubectl's HumanDuration: 45s, 5m10s, 3h, 2d, ... */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 0) return '<invalid>';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

function age(object: KubeObject, now: Date): string {
  const created = object.metadata.creationTimestamp;
  return created ? humanDuration(now.getTime() - Date.parse(created)) : '<unknown>';
}

function podRow(pod: Pod, now: Date): Cell[] {
  const statuses = pod.status.containerStatuses ?? [];
  let reason = pod.status.reason ?? pod.status.phase ?? 'Unknown';
  let restarts = 0;
  let ready = 0;
  let hasRunning = false;
  let lastRestart: string | undefined;
  for (const s of [...statuses].reverse()) {
    restarts += s.restartCount;
    const finished = s.lastState.terminated?.finishedAt;
    if (finished && (!lastRestart || finished > lastRestart)) lastRestart = finished;
    if (s.state.waiting?.reason) reason = s.state.waiting.reason;
    else if (s.state.terminated?.reason) reason = s.state.terminated.reason;
    else if (s.ready && s.state.running) {
      hasRunning = true;
      ready++;
    }
  }
  if (reason === 'Completed' && hasRunning) reason = 'Running';
  if (pod.metadata.deletionTimestamp) reason = 'Terminating';
  const restartText = lastRestart
    ? `${restarts} (${humanDuration(now.getTime() - Date.parse(lastRestart))} ago)`
    : String(restarts);
  return [
    pod.metadata.name ?? '',
    `${ready}/${(pod.spec.containers ?? []).length}`,
    reason,
    restartText,
    age(pod, now),
    pod.status.podIP ?? '<none>',
    pod.spec.nodeName ?? '<none>',
    '<none>',
    '<none>',
  ];
}

function containersAndImages(
  template: { spec?: { containers?: Array<{ name?: string; image?: string }> } } | undefined,
): [string, string] {
  const containers = template?.spec?.containers ?? [];
  return [
    containers.map((c) => c.name ?? '').join(','),
    containers.map((c) => c.image ?? '').join(','),
  ];
}

function selectorText(selector: { matchLabels?: Record<string, string> } | undefined): string {
  return Object.entries(selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** As kube-apiserver's printService: `80/TCP`, `80:30080/TCP`, `<none>`, `<pending>`. */
function serviceRow(object: KubeObject, now: Date): Cell[] {
  const spec = (isRecord(object.spec) ? object.spec : {}) as {
    type?: string;
    clusterIP?: string;
    externalIPs?: string[];
    externalName?: string;
    ports?: Array<{ port?: number; nodePort?: number; protocol?: string }>;
    selector?: Record<string, string>;
  };
  const type = spec.type ?? 'ClusterIP';
  let external = (spec.externalIPs ?? []).join(',') || '<none>';
  if (type === 'ExternalName') external = spec.externalName ?? '<none>';
  else if (type === 'LoadBalancer' && external === '<none>') external = '<pending>';
  const ports =
    (spec.ports ?? [])
      .map((p) => `${p.port ?? 0}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
      .join(',') || '<none>';
  const selector =
    Object.entries(spec.selector ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',') || '<none>';
  return [
    object.metadata.name ?? '',
    type,
    spec.clusterIP || '<none>',
    external,
    ports,
    age(object, now),
    selector,
  ];
}

interface Printer {
  columns: Column[];
  row(object: KubeObject, now: Date): Cell[];
}

const PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Ready'),
      col('Status'),
      col('Restarts'),
      col('Age'),
      col('IP', 'string', 1),
      col('Node', 'string', 1),
      col('Nominated Node', 'string', 1),
      col('Readiness Gates', 'string', 1),
    ],
    row: (o, now) => podRow(o as Pod, now),
  },
  Deployment: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Ready'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    row: (o, now) => {
      const d = o as Deployment;
      const status = d.status ?? {};
      const [containers, images] = containersAndImages(d.spec.template);
      return [
        d.metadata.name ?? '',
        `${Number(status.readyReplicas ?? 0)}/${d.spec.replicas ?? 1}`,
        Number(status.updatedReplicas ?? 0),
        Number(status.availableReplicas ?? 0),
        age(d, now),
        containers,
        images,
        selectorText(d.spec.selector),
      ];
    },
  },
  ReplicaSet: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    row: (o, now) => {
      const rs = o as ReplicaSet;
      const status = rs.status ?? {};
      const [containers, images] = containersAndImages(rs.spec.template);
      return [
        rs.metadata.name ?? '',
        rs.spec.replicas ?? 1,
        Number(status.replicas ?? 0),
        Number(status.readyReplicas ?? 0),
        age(rs, now),
        containers,
        images,
        selectorText(rs.spec.selector),
      ];
    },
  },
  Service: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Type'),
      col('Cluster-IP'),
      col('External-IP'),
      col('Port(s)'),
      col('Age'),
      col('Selector', 'string', 1),
    ],
    row: (o, now) => serviceRow(o, now),
  },
  ConfigMap: {
    columns: [col('Name', 'string', 0, 'name'), col('Data', 'integer'), col('Age')],
    row: (o, now) => [
      o.metadata.name ?? '',
      Object.keys(isRecord(o.data) ? o.data : {}).length +
        Object.keys(isRecord(o.binaryData) ? o.binaryData : {}).length,
      age(o, now),
    ],
  },
  Node: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Status'),
      col('Roles'),
      col('Age'),
      col('Version'),
      col('Internal-IP', 'string', 1),
      col('External-IP', 'string', 1),
      col('OS-Image', 'string', 1),
      col('Kernel-Version', 'string', 1),
      col('Container-Runtime', 'string', 1),
    ],
    row: (o, now) => {
      const node = o as Node;
      const conditions = (node.status.conditions ?? []) as Array<{ type: string; status: string }>;
      const ready =
        conditions.find((c) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady';
      const info = (node.status.nodeInfo ?? {}) as Record<string, string>;
      const internal =
        node.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '<none>';
      return [
        node.metadata.name ?? '',
        node.spec.unschedulable ? `${ready},SchedulingDisabled` : ready,
        '<none>',
        age(node, now),
        info.kubeletVersion ?? '',
        internal,
        '<none>',
        info.osImage ?? '',
        info.kernelVersion ?? '',
        info.containerRuntimeVersion ?? '',
      ];
    },
  },
  Namespace: {
    columns: [col('Name', 'string', 0, 'name'), col('Status'), col('Age')],
    row: (o, now) => [
      o.metadata.name ?? '',
      String((o.status as { phase?: string } | undefined)?.phase ?? ''),
      age(o, now),
    ],
  },
  Event: {
    columns: [
      col('Last Seen'),
      col('Type'),
      col('Reason'),
      col('Object'),
      col('Subobject', 'string', 1),
      col('Source', 'string', 1),
      col('Message'),
      col('First Seen', 'string', 1),
      col('Count', 'string', 1),
      col('Name', 'string', 1, 'name'),
    ],
    row: (o, now) => {
      const e = o as CoreEvent;
      const last = e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '';
      const first = e.firstTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '';
      const since = (t: string): string =>
        t ? humanDuration(now.getTime() - Date.parse(t)) : '<unknown>';
      const source = e.source?.component
        ? `${e.source.component}${e.source.host ? `, ${e.source.host}` : ''}`
        : e.reportingComponent;
      return [
        since(last),
        e.type,
        e.reason,
        `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
        e.involvedObject.fieldPath ?? '',
        source,
        e.message,
        since(first),
        String(e.count ?? 1),
        e.metadata.name ?? '',
      ];
    },
  },
};

function rowObject(
  object: KubeObject,
  include: IncludeObject,
): Record<string, unknown> | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return object;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

/** A Table of `objects` (of one kind) as kube-apiserver would print it at `now`. */
export function toTable(
  kind: string,
  objects: KubeObject[],
  options: { now: Date; resourceVersion: string; include: IncludeObject },
): Record<string, unknown> {
  const printer: Printer = PRINTERS[kind] ?? {
    columns: [col('Name', 'string', 0, 'name'), col('Created At', 'date')],
    row: (o) => [o.metadata.name ?? '', o.metadata.creationTimestamp ?? ''],
  };
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: options.resourceVersion },
    columnDefinitions: printer.columns,
    rows: objects.map((o) => {
      const object = rowObject(o, options.include);
      return { cells: printer.row(o, options.now), ...(object ? { object } : {}) };
    }),
  };
}

export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject');
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}
