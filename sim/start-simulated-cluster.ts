/**
 * Starts the simulated Kubernetes cluster in-process: an HTTPS API server with its own CA,
 * bearer tokens, one or more nodes, a scheduler, kubelets and the Deployment, ReplicaSet and
 * garbage-collection controllers, all on one virtual clock.
 *
 * Production code never imports this; tests, the demo and rubric authors do.
 */
import { randomBytes } from 'node:crypto';
import { dump } from 'js-yaml';
import { Registry } from './api/registry.js';
import { namespacesResource, nodesResource } from './api/resources/index.js';
import { ApiServer } from './api/server.js';
import { SimClock } from './clock.js';
import { createControl, controlRoutes, type SimulatedClusterControl } from './control.js';
import { ContainerLogs } from './controllers/container-logs.js';
import { DeploymentController } from './controllers/deployment-controller.js';
import { EventRecorder } from './controllers/event-recorder.js';
import { GarbageCollector } from './controllers/garbage-collector.js';
import { DEFAULT_REPOSITORIES, ImageCatalogue } from './controllers/image-catalogue.js';
import { DEFAULT_TIMINGS, Kubelet, type KubeletTimings } from './controllers/kubelet.js';
import { ReplicaSetController } from './controllers/replicaset-controller.js';
import { Scheduler } from './controllers/scheduler.js';
import { FaultInjector } from './faults.js';
import { simulatedNode, type SimulatedNodeOptions } from './nodes.js';
import { RequestLog } from './request-log.js';
import { ObjectStore } from './store/object-store.js';
import { generateClusterCertificates } from './tls/generate-certificates.js';

export type { SimulatedClusterControl } from './control.js';
export type { FaultRule, FaultRuleInput, FaultKind } from './faults.js';
export type { RequestLogEntry } from './request-log.js';
export type { SimulatedNodeOptions } from './nodes.js';
export type { KubeletTimings } from './controllers/kubelet.js';

export interface SimulatedClusterOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Simulated ms per wall-clock ms; default 1 (real time). 0 = time moves only via control.advanceTime. */
  speed?: number;
  /** Fixed tokens (default: random per start). */
  tokens?: { admin?: string; readOnly?: string };
  /** Nodes; default one node `sim-node-1` with 2 CPUs, 4Gi memory and room for 110 pods. */
  nodes?: SimulatedNodeOptions[];
  /** Image repositories and their tags; default nginx (1.25–1.29, latest, ...) and busybox. */
  images?: Record<string, string[]>;
  /** Kubelet delays in simulated ms (pull ~2 s, back-off from 10 s, ...). */
  timings?: Partial<KubeletTimings>;
  /** Create a namespace on first use instead of answering 404 (default false, like a real cluster). */
  autoCreateNamespaces?: boolean;
  /** Resources the read-only token may not read either, e.g. `['replicasets.apps']`. */
  readOnlyDenied?: string[];
  /**
   * Run the scheduler (default true). Without it pods stay Pending with no node, like the
   * recorded reference cluster (which had no scheduler and no kubelet).
   */
  scheduler?: boolean;
  /** Where unexpected server errors are reported; default stderr. */
  reportError?: (error: unknown) => void;
}

export interface KubeconfigOptions {
  token?: 'admin' | 'readOnly';
  namespace?: string;
}

export interface SimulatedCluster {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** PEM of the CA that signed the serving certificate. */
  caPem: string;
  tokens: { admin: string; readOnly: string };
  /** A kubeconfig with inline CA data and the chosen token (admin by default). */
  kubeconfigYaml(options?: KubeconfigOptions): string;
  control: SimulatedClusterControl;
  /** Stops serving (ending watches and log streams) and all simulated components. */
  stop(): Promise<void>;
}

function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function startSimulatedCluster(
  options: SimulatedClusterOptions = {},
): Promise<SimulatedCluster> {
  const certificates = generateClusterCertificates();
  const tokens = {
    admin: options.tokens?.admin ?? `sim-admin-${randomBytes(16).toString('hex')}`,
    readOnly: options.tokens?.readOnly ?? `sim-readonly-${randomBytes(16).toString('hex')}`,
  };
  if (tokens.admin === tokens.readOnly)
    throw new Error('the admin and read-only tokens must differ');

  const store = new ObjectStore();
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) await settleMicrotasks();
  };
  const clock = new SimClock({ speed: options.speed ?? 1 }, settle);
  const registry = new Registry(store, clock, {
    autoCreateNamespaces: options.autoCreateNamespaces ?? false,
  });
  const events = new EventRecorder(registry, clock);
  const logs = new ContainerLogs();
  const images = new ImageCatalogue({ repositories: options.images ?? DEFAULT_REPOSITORIES });
  const faults = new FaultInjector();
  const requestLog = new RequestLog();
  const timings: KubeletTimings = { ...DEFAULT_TIMINGS, ...options.timings };

  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    registry.create(
      namespacesResource,
      undefined,
      { metadata: { name } },
      { manager: 'kube-apiserver' },
    );
  }
  const nodeOptions = options.nodes ?? [{ name: 'sim-node-1' }];
  const kubelets = nodeOptions.map((node, index) => {
    const object = simulatedNode(node, index, clock.now());
    registry.create(nodesResource, undefined, object, { manager: 'kubelet', keepStatus: true });
    return new Kubelet({
      nodeName: node.name,
      hostIP: `172.18.0.${index + 2}`,
      podSubnet: `10.244.${index}`,
      timings,
      store,
      registry,
      clock,
      events,
      logs,
      images,
    });
  });
  const components = [
    ...(options.scheduler === false ? [] : [new Scheduler({ store, registry, clock, events })]),
    ...kubelets,
    new ReplicaSetController({ store, registry, events }),
    new DeploymentController({ store, registry, clock, events }),
    new GarbageCollector(store, registry),
  ];
  for (const component of components) component.start();

  const control = createControl({ registry, clock, requestLog, faults, images, settle });
  const server = new ApiServer({
    certPem: certificates.certPem,
    keyPem: certificates.keyPem,
    store,
    registry,
    logs,
    faults,
    requestLog,
    auth: { tokens, readOnlyDenied: options.readOnlyDenied ?? [] },
    control: controlRoutes(control, clock.speed),
    now: () => clock.now(),
    reportError:
      options.reportError ??
      ((error) => {
        process.stderr.write(
          `kubegrade-sim: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
      }),
  });
  const host = options.host ?? '127.0.0.1';
  const address = await server.listen(options.port ?? 0, host);
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  await settle();

  let stopped = false;
  return {
    url,
    caPem: certificates.caPem,
    tokens,
    control,
    kubeconfigYaml(kubeconfig = {}) {
      const which = kubeconfig.token ?? 'admin';
      const user = `kubegrade-sim-${which === 'admin' ? 'admin' : 'readonly'}`;
      return dump({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'kubegrade-sim',
            cluster: {
              server: url,
              'certificate-authority-data': Buffer.from(certificates.caPem).toString('base64'),
            },
          },
        ],
        users: [{ name: user, user: { token: tokens[which] } }],
        contexts: [
          {
            name: 'kubegrade-sim',
            context: {
              cluster: 'kubegrade-sim',
              user,
              namespace: kubeconfig.namespace ?? 'default',
            },
          },
        ],
        'current-context': 'kubegrade-sim',
        preferences: {},
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const component of components) component.stop();
      clock.stop();
      await server.close();
    },
  };
}
