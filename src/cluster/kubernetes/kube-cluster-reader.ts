import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  ServerConfiguration,
  Watch,
  createConfiguration,
  wrapHttpLibrary,
  type RequestContext,
} from '@kubernetes/client-node';
import type {
  ClusterReader,
  KubeObject,
  KubeObjectList,
  ObjectWatchOptions,
  PodWatchEvent,
  PodWatchOptions,
} from '../../grading/cluster-reader.js';
import { collectionPath, type ObservableKind } from '../../grading/kubernetes/observable-kinds.js';
import type { ClusterConnection } from './cluster-connection.js';
import { createGuardedHttpLibrary } from './guarded-http-library.js';
import { isNotFound, toClusterReadError } from './map-cluster-error.js';
import { ClusterRequestLog, type ClusterRequestRecord } from './request-log.js';

/** What a namespaced list call takes. */
interface ListQuery {
  namespace: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Reads a learner's cluster through @kubernetes/client-node, for one attempt only. */
export class KubeClusterReader implements ClusterReader {
  readonly requests: ClusterRequestLog;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly watcher: Watch;

  constructor(
    private readonly connection: ClusterConnection,
    private readonly signal?: AbortSignal,
    onRequest?: (record: ClusterRequestRecord) => void,
  ) {
    this.requests = new ClusterRequestLog(onRequest);
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(connection.server.origin, {}),
      httpApi: wrapHttpLibrary(createGuardedHttpLibrary(connection, this.requests, signal)),
      // Credentials come from the vetted connection (added by the transport), never from
      // @kubernetes/client-node's kubeconfig machinery, which can run plugins and read files.
      authMethods: {
        default: {
          getName: () => 'vetted',
          applySecurityAuthentication: (_: RequestContext) => undefined,
        },
      },
    });
    this.core = new CoreV1Api(configuration);
    this.apps = new AppsV1Api(configuration);
    this.watcher = new Watch(new VettedKubeConfig(connection));
  }

  async readPod({
    namespace,
    name,
  }: {
    namespace: string;
    name: string;
  }): Promise<KubeObject | undefined> {
    try {
      return asKubeObject(await this.core.readNamespacedPod({ namespace, name }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toClusterReadError(error, `Pod ${namespace}/${name}`);
    }
  }

  listPods(options: {
    namespace: string;
    labelSelector?: string;
    fieldSelector?: string;
  }): Promise<KubeObject[]> {
    return this.listItems('Pod', options);
  }

  listEvents(options: { namespace: string; fieldSelector?: string }): Promise<KubeObject[]> {
    return this.listItems('Event', options, `events in ${options.namespace}`);
  }

  listReplicaSets(options: { namespace: string; labelSelector?: string }): Promise<KubeObject[]> {
    return this.listItems('ReplicaSet', options);
  }

  listDeployments(options: { namespace: string; labelSelector?: string }): Promise<KubeObject[]> {
    return this.listItems('Deployment', options);
  }

  /** The objects of one list call; `what` names them in the error when the cluster cannot say. */
  private async listItems(
    kind: ObservableKind,
    query: ListQuery,
    what = `${kind}s in ${query.namespace}`,
  ): Promise<KubeObject[]> {
    try {
      const list = await this.listOfKind(kind, query);
      return list.items.map(asKubeObject);
    } catch (error) {
      throw toClusterReadError(error, what);
    }
  }

  async readPodLog(options: {
    namespace: string;
    name: string;
    container?: string;
    tailLines?: number;
    limitBytes?: number;
  }): Promise<string | undefined> {
    try {
      return await this.core.readNamespacedPodLog(options);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toClusterReadError(error, `the logs of Pod ${options.namespace}/${options.name}`);
    }
  }

  async listObjects(options: {
    kind: ObservableKind;
    namespace: string;
    labelSelector?: string;
  }): Promise<KubeObjectList> {
    const { kind, ...query } = options;
    try {
      const list = await this.listOfKind(kind, query);
      return {
        resourceVersion: list.metadata?.resourceVersion,
        items: list.items.map(asKubeObject),
      };
    } catch (error) {
      throw toClusterReadError(error, `${kind}s in ${options.namespace}`);
    }
  }

  private listOfKind(
    kind: ObservableKind,
    query: ListQuery,
  ): Promise<{ metadata?: { resourceVersion?: string }; items: unknown[] }> {
    switch (kind) {
      case 'Pod':
        return this.core.listNamespacedPod(query);
      case 'Service':
        return this.core.listNamespacedService(query);
      case 'ConfigMap':
        return this.core.listNamespacedConfigMap(query);
      case 'Event':
        return this.core.listNamespacedEvent(query);
      case 'ReplicaSet':
        return this.apps.listNamespacedReplicaSet(query);
      case 'Deployment':
        return this.apps.listNamespacedDeployment(query);
    }
  }

  watchPods(options: PodWatchOptions, onEvent: (event: PodWatchEvent) => void): Promise<void> {
    return this.watchObjects({ ...options, kind: 'Pod' }, onEvent);
  }

  /** Also takes a field selector, which watchPods passes on. */
  async watchObjects(
    options: ObjectWatchOptions & { fieldSelector?: string },
    onEvent: (event: PodWatchEvent) => void,
  ): Promise<void> {
    const { kind, namespace, signal, ...query } = options;
    if (signal.aborted) return;
    const started = performance.now();
    const path = collectionPath(kind, namespace);
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const done = (error: unknown) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', stop);
        this.requests.record({
          method: 'WATCH',
          path,
          // A watch we stopped ourselves ended as planned; only other endings are failures.
          status: error && !signal.aborted ? 'error' : 200,
          ms: Math.round(performance.now() - started),
        });
        // Our own abort ends a watch normally; anything else that ends it with an error is a fault.
        if (error && !signal.aborted)
          reject(toClusterReadError(error, `a watch on ${kind}s in ${namespace}`));
        else resolve();
      };
      let controller: AbortController | undefined;
      const stop = () => controller?.abort();
      signal.addEventListener('abort', stop, { once: true });
      this.watcher
        .watch(
          path,
          { ...query, allowWatchBookmarks: false },
          (type, object) => {
            if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')
              onEvent({ type, object: asKubeObject(object) });
          },
          done,
        )
        .then((started) => {
          controller = started;
          if (signal.aborted) started.abort();
        }, done);
    });
  }
}

/**
 * The client's Watch takes its transport from a KubeConfig. This one hands out only the vetted
 * agent and headers, and never follows redirects.
 */
class VettedKubeConfig extends KubeConfig {
  constructor(private readonly connection: ClusterConnection) {
    super();
    this.loadFromClusterAndUser(
      { name: 'learner', server: connection.server.origin, skipTLSVerify: false },
      { name: 'grader' },
    );
  }

  override async applyToFetchOptions(): Promise<
    Awaited<ReturnType<KubeConfig['applyToFetchOptions']>>
  > {
    return {
      agent: this.connection.agent,
      headers: { ...this.connection.headers, accept: 'application/json' },
      redirect: 'manual',
    } as Awaited<ReturnType<KubeConfig['applyToFetchOptions']>>;
  }
}

function asKubeObject(value: unknown): KubeObject {
  // The generated models use Date objects and camelCase; grading wants the wire JSON.
  return JSON.parse(JSON.stringify(value)) as KubeObject;
}
