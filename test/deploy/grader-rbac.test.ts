import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { z } from 'zod';
import { parseAssessment } from '../../src/assessments/parse-assessment.js';
import { clusterResourcesRead } from '../../src/assessments/cluster-access.js';
import { loadAssessment } from '../grading/load-fixture-assessment.js';

function loadFixture(id: string) {
  const file = fileURLToPath(
    new URL(`../fixtures/selftest/${id}/assessment.yaml`, import.meta.url),
  );
  return parseAssessment({ bytes: readFileSync(file), file, expectedId: id });
}

const manifestPath = fileURLToPath(new URL('../../deploy/grader-rbac.yaml', import.meta.url));
const configMapsPath = fileURLToPath(
  new URL('../../deploy/grader-rbac-configmaps.yaml', import.meta.url),
);

const objectSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
});
const ruleSchema = z.strictObject({
  apiGroups: z.array(z.string()),
  resources: z.array(z.string()),
  verbs: z.array(z.string()),
  resourceNames: z.array(z.string()).optional(),
});
const roleSchema = objectSchema.extend({ rules: z.array(ruleSchema) });
const bindingSchema = objectSchema.extend({
  roleRef: z.strictObject({ apiGroup: z.string(), kind: z.string(), name: z.string() }),
  subjects: z.array(
    z.strictObject({ kind: z.string(), name: z.string(), namespace: z.string().optional() }),
  ),
});

function documentsOf(path: string) {
  return loadAll(readFileSync(path, 'utf8')).map((document) => objectSchema.parse(document));
}
const documents = documentsOf(manifestPath);
const configMapDocuments = documentsOf(configMapsPath);
const byKind = (kind: string, from = documents) =>
  from.filter((document) => document.kind === kind);

/** Every (group, resource, verb) the Role grants, spelled `group/resource:verb`. */
function grants(from = documents): string[] {
  const [role] = byKind('Role', from).map((document) => roleSchema.parse(document));
  return role!.rules.flatMap((rule) =>
    rule.apiGroups.flatMap((group) =>
      rule.resources.flatMap((resource) =>
        rule.verbs.map((verb) => `${group}/${resource}:${verb}`),
      ),
    ),
  );
}

describe('deploy/grader-rbac.yaml', () => {
  it('holds a ServiceAccount, a Role and a RoleBinding, all namespaced, nothing cluster-wide', () => {
    expect(documents.map((document) => document.kind).sort()).toEqual([
      'Role',
      'RoleBinding',
      'ServiceAccount',
    ]);
    expect(byKind('ClusterRole')).toEqual([]);
    expect(byKind('ClusterRoleBinding')).toEqual([]);
    // No namespace written in: it is applied with `kubectl apply -n <learner namespace>`.
    expect(documents.map((document) => document.metadata.namespace)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(documents.map((document) => document.metadata.name)).toEqual([
      'kubegrade-grader',
      'kubegrade-grader',
      'kubegrade-grader',
    ]);
  });

  it('grants get, list and watch on exactly pods, pods/log, events, services, replicasets and deployments', () => {
    const expected = [
      '/pods',
      '/pods/log',
      '/events',
      '/services',
      'apps/replicasets',
      'apps/deployments',
    ].flatMap((resource) => ['get', 'list', 'watch'].map((verb) => `${resource}:${verb}`));
    expect(grants().sort()).toEqual(expected.sort());
  });

  it('grants no wildcard, no write verb, no escalation and nothing on secrets', () => {
    const granted = grants();
    expect(granted.filter((grant) => grant.includes('*'))).toEqual([]);
    const writeVerbs = ['create', 'update', 'patch', 'delete', 'deletecollection'];
    const escalation = ['escalate', 'bind', 'impersonate', 'approve', 'sign'];
    expect(
      granted.filter((grant) => [...writeVerbs, ...escalation].includes(grant.split(':')[1]!)),
    ).toEqual([]);
    expect(
      granted.filter((grant) =>
        /secrets|configmaps|serviceaccounts|pods\/exec|pods\/attach|pods\/portforward|nodes\/proxy/.test(
          grant,
        ),
      ),
    ).toEqual([]);
  });

  it('binds the Role, and only the Role, to the kubegrade-grader ServiceAccount', () => {
    const [binding] = byKind('RoleBinding').map((document) => bindingSchema.parse(document));
    expect(binding!.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'kubegrade-grader',
    });
    expect(binding!.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kubegrade-grader' }]);
  });

  it('grants what a rubric without ConfigMap checks reads, and with the opt-in Role what one with them reads', () => {
    const resources = (grantList: string[]) =>
      [
        ...new Set(grantList.map((grant) => grant.split(':')[0]!.split('/').slice(1).join('/'))),
      ].sort();
    expect(resources(grants())).toEqual(clusterResourcesRead(loadAssessment('first-deployment')));
    expect(resources(grants())).toEqual(clusterResourcesRead(loadAssessment('first-pod')));
    const withConfigMaps = clusterResourcesRead(loadFixture('service-and-configmap'));
    expect(withConfigMaps).toContain('configmaps');
    expect(resources([...grants(), ...grants(configMapDocuments)])).toEqual(withConfigMaps);
  });

  it('has an opt-in Role that adds get, list and watch on configmaps only, for the same account', () => {
    expect(configMapDocuments.map((document) => document.kind)).toEqual(['Role', 'RoleBinding']);
    expect(configMapDocuments.map((document) => document.metadata.namespace)).toEqual([
      undefined,
      undefined,
    ]);
    expect(grants(configMapDocuments).sort()).toEqual(
      ['/configmaps:get', '/configmaps:list', '/configmaps:watch'].sort(),
    );
    const [binding] = byKind('RoleBinding', configMapDocuments).map((document) =>
      bindingSchema.parse(document),
    );
    expect(binding!.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'kubegrade-grader-configmaps',
    });
    expect(binding!.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kubegrade-grader' }]);
    expect(grants(configMapDocuments).filter((grant) => /secrets/.test(grant))).toEqual([]);
  });

  it('does not mount the account token into pods', () => {
    const [account] = byKind('ServiceAccount');
    expect(account).toMatchObject({ automountServiceAccountToken: false });
  });
});
