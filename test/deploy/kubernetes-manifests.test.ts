import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { load, loadAll } from 'js-yaml';
import { z } from 'zod';

/**
 * deploy/kubernetes/ checked offline: every object validates against the Kubernetes OpenAPI
 * schemas (kubernetes-models; KEDA's CRD schema from @kubernetes-models/keda), and the parts fit
 * together: selectors match, probes and resources are set, and a worker being scaled down has
 * time to finish its jobs.
 */

const directory = fileURLToPath(new URL('../../deploy/kubernetes/', import.meta.url));
const extraManifests = [
  fileURLToPath(new URL('../../deploy/grader-rbac.yaml', import.meta.url)),
  fileURLToPath(new URL('../../deploy/grader-rbac-configmaps.yaml', import.meta.url)),
];

const kubeObject = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({
    name: z.string(),
    labels: z.record(z.string(), z.string()).optional(),
  }),
});
type KubeObject = z.infer<typeof kubeObject> & Record<string, unknown>;

const kustomization = z
  .looseObject({ resources: z.array(z.string()), namespace: z.string() })
  .parse(load(readFileSync(`${directory}kustomization.yaml`, 'utf8')));

function objectsIn(path: string): KubeObject[] {
  return loadAll(readFileSync(path, 'utf8')).map((document) => kubeObject.parse(document));
}

const objects = kustomization.resources.flatMap((file) => objectsIn(`${directory}${file}`));

function find(kind: string, name: string): KubeObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

/** The model class for an object's apiVersion and kind, from the schema packages. */
async function modelFor(object: KubeObject) {
  const [group = '', version = ''] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const module = group.endsWith('keda.sh')
    ? await import(`@kubernetes-models/keda/${group}/${version}/${object.kind}`)
    : await import(`kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`);
  return module[object.kind] as new (data: unknown) => { validate(): void };
}

async function validationError(object: KubeObject): Promise<string | undefined> {
  const Model = await modelFor(object);
  try {
    new Model(object).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const container = z.looseObject({
  name: z.string(),
  image: z.string(),
  command: z.array(z.string()),
  ports: z.array(z.looseObject({ name: z.string(), containerPort: z.number() })).optional(),
  resources: z.looseObject({
    requests: z.looseObject({ cpu: z.string(), memory: z.string() }),
    limits: z.looseObject({ memory: z.string() }),
  }),
  livenessProbe: z.looseObject({ httpGet: z.looseObject({ path: z.string() }) }),
  readinessProbe: z.looseObject({ httpGet: z.looseObject({ path: z.string() }) }),
  lifecycle: z.looseObject({ preStop: z.looseObject({}) }).optional(),
});
const deployment = z.looseObject({
  spec: z.looseObject({
    replicas: z.number().optional(),
    selector: z.looseObject({ matchLabels: z.record(z.string(), z.string()) }),
    template: z.looseObject({
      metadata: z.looseObject({ labels: z.record(z.string(), z.string()) }),
      spec: z.looseObject({
        terminationGracePeriodSeconds: z.number(),
        containers: z.array(container).length(1),
      }),
    }),
  }),
});
const config = z
  .looseObject({ data: z.record(z.string(), z.string()) })
  .parse(find('ConfigMap', 'kubegrade-config')).data;

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('deploy/kubernetes', () => {
  it('lists every manifest in the folder in kustomization.yaml', () => {
    const files = readdirSync(directory).filter(
      (file) => file.endsWith('.yaml') && file !== 'kustomization.yaml',
    );
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('validates every object, and the learner-cluster Role, against the Kubernetes schemas', async () => {
    const all = [...objects, ...extraManifests.flatMap(objectsIn)];
    expect(all.map((object) => object.kind)).toEqual(
      expect.arrayContaining([
        'Deployment',
        'Service',
        'ConfigMap',
        'Secret',
        'PodDisruptionBudget',
        'NetworkPolicy',
        'ScaledObject',
        'Job',
        'Role',
      ]),
    );
    for (const object of all) {
      expect([object.kind, object.metadata.name, await validationError(object)]).toEqual([
        object.kind,
        object.metadata.name,
        undefined,
      ]);
    }
  });

  it('would catch a wrong type, so the validation above means something', async () => {
    const broken = structuredClone(find('Deployment', 'kubegrade-worker')) as KubeObject;
    const pod = (broken.spec as { template: { spec: { containers: Array<{ ports: unknown }> } } })
      .template.spec;
    pod.containers[0]!.ports = [{ name: 'metrics', containerPort: 'metrics' }];
    expect(await validationError(broken)).toMatch(/containerPort must be integer/);
    const scaled = structuredClone(find('ScaledObject', 'kubegrade-worker')) as KubeObject;
    delete (scaled.spec as Record<string, unknown>).scaleTargetRef;
    expect(await validationError(scaled)).toMatch(/scaleTargetRef/);
  });

  it('gives both Deployments probes, resource requests and a selector their Pods match', () => {
    for (const name of ['kubegrade-api', 'kubegrade-worker']) {
      const { spec } = deployment.parse(find('Deployment', name));
      expect(matches(spec.selector.matchLabels, spec.template.metadata.labels)).toBe(true);
      const [only] = spec.template.spec.containers;
      expect(only!.livenessProbe.httpGet.path).toBe('/healthz');
      expect(only!.readinessProbe.httpGet.path).toBe('/readyz');
    }
    const service = z
      .looseObject({ spec: z.looseObject({ selector: z.record(z.string(), z.string()) }) })
      .parse(find('Service', 'kubegrade-api'));
    const api = deployment.parse(find('Deployment', 'kubegrade-api'));
    expect(matches(service.spec.selector, api.spec.template.metadata.labels)).toBe(true);
  });

  it('lets a worker that is scaled down finish its jobs: drain, then a grace period above the shutdown timeout', () => {
    const worker = deployment.parse(find('Deployment', 'kubegrade-worker'));
    // KEDA owns the replica count; a fixed one would fight it on every apply.
    expect(worker.spec.replicas).toBeUndefined();
    const pod = worker.spec.template.spec;
    expect(pod.containers[0]!.lifecycle?.preStop).toEqual({
      httpGet: { path: '/drain', port: 'metrics' },
    });
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
      Number(config.SHUTDOWN_TIMEOUT_MS),
    );
    const port = pod.containers[0]!.ports?.find((p) => p.name === 'metrics')?.containerPort;
    expect(String(port)).toBe(config.METRICS_PORT);
  });

  it('scales workers on the whole BullMQ backlog: slots by WORKER_CONCURRENCY, delayed jobs by their own trigger', () => {
    const scaled = z
      .looseObject({
        spec: z.looseObject({
          scaleTargetRef: z.looseObject({ name: z.string() }),
          minReplicaCount: z.number(),
          triggers: z.array(
            z.looseObject({ type: z.string(), metadata: z.record(z.string(), z.string()) }),
          ),
        }),
      })
      .parse(find('ScaledObject', 'kubegrade-worker'));
    expect(scaled.spec.scaleTargetRef.name).toBe('kubegrade-worker');
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    const [slots, delayed] = scaled.spec.triggers;
    // The API serves /queue-depth: demand = waiting + prioritized + active, and delayed.
    for (const trigger of [slots, delayed]) {
      expect(trigger!.type).toBe('metrics-api');
      expect(trigger!.metadata.url).toMatch(
        new RegExp(
          `^http://kubegrade-api\\.${kustomization.namespace}\\.svc[.a-z]*:3000/queue-depth$`,
        ),
      );
    }
    expect(slots!.metadata.valueLocation).toBe('demand');
    expect(slots!.metadata.targetValue).toBe(config.WORKER_CONCURRENCY);
    expect(delayed!.metadata.valueLocation).toBe('delayed');
  });

  it('covers every Deployment with a PodDisruptionBudget and a NetworkPolicy, behind a default deny', () => {
    const budgets = objects.filter((object) => object.kind === 'PodDisruptionBudget');
    const policies = objects.filter((object) => object.kind === 'NetworkPolicy');
    const selectorOf = (object: KubeObject, key: 'selector' | 'podSelector') =>
      z
        .looseObject({
          spec: z.looseObject({
            [key]: z.looseObject({ matchLabels: z.record(z.string(), z.string()).optional() }),
          }),
        })
        .parse(object).spec[key] as { matchLabels?: Record<string, string> };
    expect(
      policies.some((policy) => selectorOf(policy, 'podSelector').matchLabels === undefined),
    ).toBe(true);
    for (const name of ['kubegrade-api', 'kubegrade-worker']) {
      const labels = deployment.parse(find('Deployment', name)).spec.template.metadata.labels;
      expect(
        budgets.filter((b) => matches(selectorOf(b, 'selector').matchLabels ?? {}, labels)),
      ).toHaveLength(1);
      expect(
        policies.filter((p) => {
          const selector = selectorOf(p, 'podSelector').matchLabels;
          return selector !== undefined && matches(selector, labels);
        }),
      ).toHaveLength(1);
    }
  });

  it('keeps secrets out of the ConfigMap and only placeholders in the Secret', () => {
    expect(Object.keys(config)).not.toEqual(
      expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'CLUSTER_SECRET_KEYS']),
    );
    const secret = z
      .looseObject({ stringData: z.record(z.string(), z.string()) })
      .parse(find('Secret', 'kubegrade-secrets'));
    for (const value of Object.values(secret.stringData)) expect(value).toContain('CHANGE-ME');
  });
});
