import { z } from 'zod';
import type { KubeObject } from '../cluster-reader.js';
import { parseLabelSelectorObject, type LabelSelector } from './label-selector.js';
import type { OwnerReference } from './pod-facts.js';

/** A ReplicaSet or Deployment as the grader sees it: who it is, what it selects, who owns it. */
export interface ControllerFacts {
  kind: 'ReplicaSet' | 'Deployment';
  name: string;
  uid: string | undefined;
  /** Undefined when the selector is missing or unreadable: it then selects nothing we can tell. */
  selector: LabelSelector | undefined;
  owner: OwnerReference | undefined;
}

const metadata = z.looseObject({
  name: z.string(),
  uid: z.string().optional(),
  ownerReferences: z
    .array(
      z.looseObject({ kind: z.string(), name: z.string(), controller: z.boolean().optional() }),
    )
    .optional()
    .catch(undefined),
});

export function readControllerFacts(
  kind: ControllerFacts['kind'],
  object: KubeObject,
): ControllerFacts | undefined {
  const parsed = metadata.safeParse(object.metadata);
  if (!parsed.success) return undefined;
  const spec = object.spec as { selector?: unknown } | undefined;
  const owners = parsed.data.ownerReferences ?? [];
  return {
    kind,
    name: parsed.data.name,
    uid: parsed.data.uid,
    selector: parseLabelSelectorObject(spec?.selector),
    owner: owners.find((owner) => owner.controller === true) ?? owners[0],
  };
}
