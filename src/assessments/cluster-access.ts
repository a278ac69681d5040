import {
  observableKindPaths,
  type ObservableKind,
} from '../grading/kubernetes/observable-kinds.js';
import { isClusterCheckKind } from './assessment.js';
import type { AssessmentFile } from './format/assessment-file.js';

/**
 * Kinds the grader's base Role (deploy/grader-rbac.yaml) does not grant: a ConfigMap can hold
 * what a learner's app is configured with, so it is read only for a rubric that checks one,
 * where deploy/grader-rbac-configmaps.yaml is applied too. Secrets are not observable at all.
 */
export const optInKinds: readonly ObservableKind[] = ['ConfigMap'];

/** The fields of a cluster check that name the objects it reads (`object`, `objects`, `pods`). */
const referenceFields = ['object', 'objects', 'pods', 'pod'] as const;

/**
 * The resources the grader reads in the learner's namespace for this rubric, as a Role names
 * them: every observable kind the base Role grants, the Pods' logs, and the opt-in kinds a
 * cluster check refers to. Empty when the rubric has no cluster check.
 */
export function clusterResourcesRead(assessment: Pick<AssessmentFile, 'checks'>): string[] {
  const clusterChecks = assessment.checks.filter((check) => isClusterCheckKind(check.kind));
  if (clusterChecks.length === 0) return [];
  const referenced = new Set<string>();
  for (const check of clusterChecks) {
    for (const field of referenceFields) {
      const value = (check as Record<string, unknown>)[field];
      if (typeof value === 'object' && value !== null && 'kind' in value)
        referenced.add(String(value.kind));
    }
  }
  const kinds = (Object.keys(observableKindPaths) as ObservableKind[]).filter(
    (kind) => !optInKinds.includes(kind) || referenced.has(kind),
  );
  return [...kinds.map((kind) => observableKindPaths[kind].plural), 'pods/log'].sort();
}
