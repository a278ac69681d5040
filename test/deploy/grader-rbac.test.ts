import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { z } from 'zod';

const manifestPath = fileURLToPath(new URL('../../deploy/grader-rbac.yaml', import.meta.url));

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

const documents = loadAll(readFileSync(manifestPath, 'utf8')).map((document) =>
  objectSchema.parse(document),
);
const byKind = (kind: string) => documents.filter((document) => document.kind === kind);

/** Every (group, resource, verb) the Role grants, spelled `group/resource:verb`. */
function grants(): string[] {
  const [role] = byKind('Role').map((document) => roleSchema.parse(document));
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

  it('does not mount the account token into pods', () => {
    const [account] = byKind('ServiceAccount');
    expect(account).toMatchObject({ automountServiceAccountToken: false });
  });
});
