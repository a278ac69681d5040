/**
 * Services, ConfigMaps and Events against what the kube-apiserver 1.26 recordings confirm.
 * There is no recorded Service, ConfigMap or Event body (the recorded set was captured before
 * these kinds were served, and no real API server can run on the machines this project is
 * built on), so only the parts that kube-apiserver builds the same way for every kind are
 * compared: the discovery entries of `services` and `configmaps`, the object metadata and
 * `managedFields` entry a create gets, the list envelope, and the watch event envelope. Their
 * `spec`, `status` and `data` follow kube-apiserver 1.26's defaulting (sim/README.md) and are
 * not claimed as recorded. (Comparing metadata key order here found that every created
 * object, Pods included, had its resourceVersion last instead of after its uid.)
 */
import { readFileSync } from 'node:fs';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { lessonPod, rawRequest, startTestCluster } from './sim-test-helpers.js';

const REFERENCE = new URL('../fixtures/k8s-reference/kube-apiserver-1.26/', import.meta.url);
const CORE = '/api/v1/namespaces/default';

function recorded(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(file, REFERENCE), 'utf8')) as Record<string, unknown>;
}

type Json = Record<string, unknown>;
const keysOf = (value: unknown): string[] => Object.keys((value ?? {}) as Json);

/** The recorded Pod's metadata keys, without the labels these objects are created without. */
function recordedMetadataKeys(): string[] {
  return keysOf(recorded('pod-create-201.json').metadata).filter((key) => key !== 'labels');
}

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
};
const configMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings' },
  data: { greeting: 'hello' },
};

describe('Services, ConfigMaps and Events, as far as the 1.26 recordings confirm', () => {
  let cluster: SimulatedCluster;

  beforeEach(async () => {
    cluster = await startTestCluster({ scheduler: false });
  });

  afterEach(async () => {
    await cluster.stop();
  });

  it('lists services and configmaps in /api/v1 exactly as the recorded discovery does', async () => {
    const ours = (await rawRequest(cluster, 'GET', '/api/v1')).json().resources as Json[];
    const theirs = recorded('discovery-api-v1.json').resources as Json[];
    for (const name of ['services', 'services/status', 'configmaps']) {
      const mine = ours.find((resource) => resource.name === name);
      const real = theirs.find((resource) => resource.name === name);
      expect(mine).toBeDefined();
      expect({ ...mine, storageVersionHash: undefined }).toEqual({
        ...real,
        storageVersionHash: undefined,
      });
    }
  });

  it.each([
    ['services', service],
    ['configmaps', configMap],
  ])('a created %s has the recorded metadata and managedFields entry', async (plural, body) => {
    const created = await rawRequest(cluster, 'POST', `${CORE}/${plural}`, { body });
    expect(created.status).toBe(201);
    const object = created.json();
    expect(keysOf(object).slice(0, 3)).toEqual(['kind', 'apiVersion', 'metadata']);
    expect(keysOf(object.metadata)).toEqual(recordedMetadataKeys());
    const [entry] = (object.metadata as { managedFields: Json[] }).managedFields;
    const [recordedEntry] = (recorded('pod-create-201.json').metadata as { managedFields: Json[] })
      .managedFields;
    expect(keysOf(entry)).toEqual(keysOf(recordedEntry));
    expect(entry).toMatchObject({ operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1' });
  });

  it.each([
    ['services', service],
    ['configmaps', configMap],
  ])('a %s list and watch use the recorded envelopes', async (plural, body) => {
    const created = await rawRequest(cluster, 'POST', `${CORE}/${plural}`, { body });
    const version = Number(
      (created.json().metadata as { resourceVersion: string }).resourceVersion,
    );
    const list = (await rawRequest(cluster, 'GET', `${CORE}/${plural}`)).json();
    const recordedList = recorded('pod-list-200.json');
    expect(keysOf(list)).toEqual(keysOf(recordedList));
    expect(keysOf(list.metadata)).toEqual(keysOf(recordedList.metadata));
    const item = (list.items as Json[])[0] ?? {};
    // Items carry no kind or apiVersion, as in every recorded list.
    expect(keysOf(item)[0]).toBe('metadata');
    expect(keysOf(item.metadata)).toEqual(recordedMetadataKeys());

    const watch = await rawRequest(
      cluster,
      'GET',
      `${CORE}/${plural}?watch=1&resourceVersion=${version - 1}&timeoutSeconds=1`,
    );
    const [event] = watch.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Json);
    const [recordedEvent] = readFileSync(new URL('pod-watch-events.jsonl', REFERENCE), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Json);
    expect(keysOf(event)).toEqual(keysOf(recordedEvent));
    expect(event?.type).toBe('ADDED');
    expect(keysOf(event?.object).slice(0, 3)).toEqual(['kind', 'apiVersion', 'metadata']);
  });

  it('a created Pod has the recorded metadata keys in the recorded order too', async () => {
    const created = await rawRequest(cluster, 'POST', `${CORE}/pods`, { body: lessonPod() });
    expect(keysOf(created.json().metadata)).toEqual(
      keysOf(recorded('pod-create-201.json').metadata),
    );
  });

  it('an Event list uses the recorded list envelope', async () => {
    const list = (await rawRequest(cluster, 'GET', `${CORE}/events`)).json();
    expect(keysOf(list)).toEqual(keysOf(recorded('pod-list-200.json')));
    expect(list.kind).toBe('EventList');
  });
});
