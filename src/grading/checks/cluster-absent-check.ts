import type { z } from 'zod';
import { objectReference } from '../../assessments/format/cluster-check-fields.js';
import { defineClusterCheckKind } from './check-kind.js';
import { describeReference, findReferencedObject } from './referenced-object.js';

/** No object matches the reference now. */
export const clusterAbsentCheckKind = defineClusterCheckKind({
  kind: 'cluster-absent',
  failureModes: ['object-present'],
  fields: {
    object: objectReference,
  },
  run: async (check, context) => {
    const object = await findReferencedObject(check.object, context, { fresh: true });
    const subject = describeReference(check.object, context.namespace);
    if (object === undefined) return { outcome: 'passed', explanation: `${subject}: none exists` };
    const deleting = object.metadata?.deletionTimestamp !== undefined;
    return {
      outcome: 'failed',
      failureMode: 'object-present',
      explanation: `${subject}: ${object.metadata?.name ?? 'an object'} still exists${deleting ? ' (it is being deleted)' : ''}`,
      details: { name: object.metadata?.name ?? null, uid: object.metadata?.uid ?? null },
    };
  },
});
export type ClusterAbsentCheck = z.output<typeof clusterAbsentCheckKind.schema>;
