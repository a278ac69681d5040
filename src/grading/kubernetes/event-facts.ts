import { z } from 'zod';
import type { KubeObject } from '../cluster-reader.js';

/** A core Event as the grader reads it: what happened to which object, and how often. */
export interface EventFacts {
  type: string | undefined;
  reason: string;
  message: string;
  count: number;
  involvedUid: string | undefined;
  /** `spec.containers{web}` for container events. */
  fieldPath: string | undefined;
  lastTimestamp: string | undefined;
}

const event = z.looseObject({
  type: z.string().optional().catch(undefined),
  reason: z.string().catch(''),
  message: z.string().catch(''),
  count: z.number().optional().catch(undefined),
  lastTimestamp: z.string().nullable().optional().catch(undefined),
  eventTime: z.string().nullable().optional().catch(undefined),
  involvedObject: z
    .looseObject({ uid: z.string().optional(), fieldPath: z.string().optional() })
    .optional()
    .catch(undefined),
});

export function readEventFacts(object: KubeObject): EventFacts | undefined {
  const parsed = event.safeParse(object);
  if (!parsed.success) return undefined;
  const item = parsed.data;
  return {
    type: item.type,
    reason: item.reason,
    message: item.message,
    count: item.count ?? 1,
    involvedUid: item.involvedObject?.uid,
    fieldPath: item.involvedObject?.fieldPath,
    lastTimestamp: item.lastTimestamp ?? item.eventTime ?? undefined,
  };
}

export function readEventList(objects: readonly KubeObject[]): EventFacts[] {
  return objects.flatMap((object) => readEventFacts(object) ?? []);
}
