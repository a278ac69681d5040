/**
 * The simulated API answers with the shapes recorded from a real kube-apiserver 1.26
 * (test/fixtures/k8s-reference/kube-apiserver-1.26, kept in the repository): same fields, same
 * Status objects. Values that are unique per run (uids, resourceVersions, timestamps,
 * managedFields sets) are not compared.
 */
import { readFileSync } from 'node:fs';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import {
  fieldPaths,
  lessonPod,
  rawRequest,
  recordedDeploymentRequest,
  startTestCluster,
  waitFor,
} from './sim-test-helpers.js';

const REFERENCE = new URL('../fixtures/k8s-reference/kube-apiserver-1.26/', import.meta.url);

function recorded(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(file, REFERENCE), 'utf8')) as Record<string, unknown>;
}

function recordedLines(file: string): Array<Record<string, unknown>> {
  return readFileSync(new URL(file, REFERENCE), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const PODS = '/api/v1/namespaces/default/pods';

describe('shapes recorded from kube-apiserver 1.26', () => {
  let cluster: SimulatedCluster;

  afterEach(async () => {
    await cluster.stop();
  });

  describe('in a cluster without a scheduler, like the recorded one', () => {
    beforeEach(async () => {
      cluster = await startTestCluster({ scheduler: false });
    });

    it('pod create, get, list, label-selected list, merge patch and delete have the recorded fields', async () => {
      const created = await rawRequest(cluster, 'POST', PODS, { body: lessonPod() });
      expect(created.status).toBe(201);
      expect(created.headers['content-type']).toBe('application/json');
      expect(fieldPaths(created.json())).toEqual(fieldPaths(recorded('pod-create-201.json')));
      expect(Object.keys(created.json())).toEqual(Object.keys(recorded('pod-create-201.json')));
      const spec = created.json().spec as Record<string, unknown>;
      expect(Object.keys(spec)).toEqual(
        Object.keys(recorded('pod-create-201.json').spec as Record<string, unknown>),
      );
      const recordedSpec = recorded('pod-create-201.json').spec as {
        containers: Array<Record<string, unknown>>;
      };
      expect(Object.keys((spec.containers as Array<Record<string, unknown>>)[0] ?? {})).toEqual(
        Object.keys(recordedSpec.containers[0] ?? {}),
      );

      const got = await rawRequest(cluster, 'GET', `${PODS}/my-pod`);
      expect(fieldPaths(got.json())).toEqual(fieldPaths(recorded('pod-get-200.json')));

      const list = await rawRequest(cluster, 'GET', PODS);
      expect(fieldPaths(list.json())).toEqual(fieldPaths(recorded('pod-list-200.json')));
      const selected = await rawRequest(cluster, 'GET', `${PODS}?labelSelector=app%3Dweb`);
      expect(fieldPaths(selected.json())).toEqual(
        fieldPaths(recorded('pod-list-labelselector-200.json')),
      );
      const none = await rawRequest(cluster, 'GET', `${PODS}?labelSelector=app%3Dother`);
      expect(none.json().items).toEqual([]);

      const patched = await rawRequest(cluster, 'PATCH', `${PODS}/my-pod`, {
        body: { metadata: { labels: { tier: 'frontend' } } },
        contentType: 'application/merge-patch+json',
      });
      expect(patched.status).toBe(200);
      expect(fieldPaths(patched.json())).toEqual(fieldPaths(recorded('pod-patch-merge-200.json')));

      const deleted = await rawRequest(cluster, 'DELETE', `${PODS}/my-pod?gracePeriodSeconds=0`);
      expect(deleted.status).toBe(200);
      expect(fieldPaths(deleted.json())).toEqual(fieldPaths(recorded('pod-delete-200.json')));
      expect((deleted.json().metadata as Record<string, unknown>).deletionGracePeriodSeconds).toBe(
        0,
      );
    });

    it('a watch streams ADDED, MODIFIED, MODIFIED with deletionTimestamp and DELETED, as recorded', async () => {
      const created = await rawRequest(cluster, 'POST', PODS, { body: lessonPod() });
      const rv = Number((created.json().metadata as Record<string, string>).resourceVersion);
      await rawRequest(cluster, 'PATCH', `${PODS}/my-pod`, {
        body: { metadata: { labels: { tier: 'frontend' } } },
        contentType: 'application/merge-patch+json',
      });
      await rawRequest(cluster, 'DELETE', `${PODS}/my-pod?gracePeriodSeconds=0`);
      // Replay from just before the create; the stream ends after timeoutSeconds.
      const watch = await rawRequest(
        cluster,
        'GET',
        `${PODS}?watch=1&resourceVersion=${rv - 1}&timeoutSeconds=1`,
      );
      expect(watch.headers['content-type']).toBe('application/json');
      const events = watch.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; object: Record<string, unknown> });
      const expected = recordedLines('pod-watch-events.jsonl') as Array<{
        type: string;
        object: Record<string, unknown>;
      }>;
      expect(events.map((e) => e.type)).toEqual(expected.map((e) => e.type));
      events.forEach((event, i) => {
        expect(Object.keys(event)).toEqual(['type', 'object']);
        expect(fieldPaths(event.object)).toEqual(fieldPaths(expected[i]?.object));
      });
      const versions = events.map((e) =>
        Number((e.object.metadata as Record<string, string>).resourceVersion),
      );
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
    });

    it('a Deployment, its ReplicaSet and its Pods have the recorded fields and ownerReferences', async () => {
      const body = recorded('deployment-create-201.json');
      const request = recordedDeploymentRequest;
      const created = await rawRequest(
        cluster,
        'POST',
        '/apis/apps/v1/namespaces/default/deployments',
        { body: request },
      );
      expect(created.status).toBe(201);
      expect(fieldPaths(created.json())).toEqual(fieldPaths(body));

      const deployment = await waitFor('deployment status', async () => {
        const got = (
          await rawRequest(cluster, 'GET', '/apis/apps/v1/namespaces/default/deployments/web')
        ).json();
        return (got.status as Record<string, unknown>).unavailableReplicas === 2 ? got : undefined;
      });
      expect(fieldPaths(deployment)).toEqual(fieldPaths(recorded('deployment-get-200.json')));

      const rsList = (
        await rawRequest(
          cluster,
          'GET',
          '/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dweb-deploy',
        )
      ).json();
      expect(fieldPaths(rsList)).toEqual(fieldPaths(recorded('replicaset-list-200.json')));
      const podList = (
        await rawRequest(cluster, 'GET', `${PODS}?labelSelector=app%3Dweb-deploy`)
      ).json();
      expect(fieldPaths(podList)).toEqual(fieldPaths(recorded('deployment-pod-list-200.json')));
      const podName =
        (podList.items as Array<{ metadata: { name: string } }>)[0]?.metadata.name ?? '';
      const pod = (await rawRequest(cluster, 'GET', `${PODS}/${podName}`)).json();
      expect(fieldPaths(pod)).toEqual(fieldPaths(recorded('deployment-pod-get-200.json')));
    });
  });

  describe('errors', () => {
    beforeEach(async () => {
      cluster = await startTestCluster({
        readOnlyDenied: ['replicasets.apps'],
        tokens: { readOnly: 'grader-token' },
      });
    });

    it('404, 409 and 422 are the recorded Status objects', async () => {
      expect((await rawRequest(cluster, 'GET', `${PODS}/does-not-exist`)).json()).toEqual(
        recorded('pod-get-404-missing.json'),
      );
      expect((await rawRequest(cluster, 'DELETE', `${PODS}/my-pod`)).json()).toEqual(
        recorded('pod-delete-404-missing.json'),
      );
      await rawRequest(cluster, 'POST', PODS, { body: lessonPod() });
      const conflict = await rawRequest(cluster, 'POST', PODS, { body: lessonPod() });
      expect(conflict.status).toBe(409);
      expect(conflict.json()).toEqual(recorded('pod-create-409-exists.json'));
      const bad = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'bad-pod' },
        spec: { containers: [{ name: 'web' }] },
      };
      const invalid = await rawRequest(cluster, 'POST', PODS, { body: bad });
      expect(invalid.status).toBe(422);
      expect(invalid.json()).toEqual(recorded('pod-create-422-invalid.json'));
    });

    it('401 for an unknown token and 403 for writes (and denied reads) with the read-only token', async () => {
      const unknown = await rawRequest(cluster, 'GET', PODS, { token: 'not-a-token' });
      expect(unknown.status).toBe(401);
      expect(unknown.json()).toEqual(recorded('pods-list-401-bad-token.json'));
      const write = await rawRequest(cluster, 'POST', PODS, {
        body: lessonPod(),
        token: 'grader-token',
      });
      expect(write.status).toBe(403);
      expect(write.json()).toEqual(recorded('pod-create-403-forbidden.json'));
      const denied = await rawRequest(
        cluster,
        'GET',
        '/apis/apps/v1/namespaces/default/replicasets',
        { token: 'grader-token' },
      );
      expect(denied.json()).toEqual(recorded('replicaset-list-403-forbidden.json'));
      const read = await rawRequest(cluster, 'GET', PODS, { token: 'grader-token' });
      expect(read.status).toBe(200);
      expect(cluster.control.requests().map((r) => r.identity)).toEqual([
        'invalid',
        'readOnly',
        'readOnly',
        'readOnly',
      ]);
      expect(JSON.stringify(cluster.control.requests())).not.toContain('grader-token');
    });

    it('discovery and /version have the recorded fields for every resource served', async () => {
      expect(fieldPaths((await rawRequest(cluster, 'GET', '/version')).json())).toEqual(
        fieldPaths(recorded('version.json')),
      );
      expect(fieldPaths((await rawRequest(cluster, 'GET', '/api')).json())).toEqual(
        fieldPaths(recorded('discovery-api.json')),
      );
      const apis = (await rawRequest(cluster, 'GET', '/apis')).json();
      expect(Object.keys(apis)).toEqual(Object.keys(recorded('discovery-apis.json')));
      expect((apis.groups as Array<{ name: string }>).map((g) => g.name)).toEqual(['apps']);
      for (const [path, file] of [
        ['/api/v1', 'discovery-api-v1.json'],
        ['/apis/apps/v1', 'discovery-apis-apps-v1.json'],
      ] as const) {
        const ours = (await rawRequest(cluster, 'GET', path)).json();
        const theirs = recorded(file);
        expect(Object.keys(ours)).toEqual(Object.keys(theirs));
        for (const resource of ours.resources as Array<Record<string, unknown>>) {
          const real = (theirs.resources as Array<Record<string, unknown>>).find(
            (r) => r.name === resource.name,
          );
          expect(real).toBeDefined();
          expect(Object.keys(resource)).toEqual(Object.keys(real ?? {}));
          expect({ ...resource, storageVersionHash: undefined }).toEqual({
            ...real,
            storageVersionHash: undefined,
          });
        }
      }
    });
  });
});
