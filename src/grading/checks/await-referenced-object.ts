import type { ObjectReference } from '../../assessments/format/cluster-check-fields.js';
import type { KubeObject } from '../cluster-reader.js';
import type { ClusterCheckContext } from './cluster-check-unavailable.js';
import { findReferencedObject } from './referenced-object.js';

export interface AwaitedObject<T> {
  /** The probe's answer, or undefined when the deadline passed first. */
  answer: T | undefined;
  /** The object as last seen (undefined: it did not exist). */
  last: KubeObject | undefined;
}

/**
 * Waits until `probe` answers for the referenced object, or the deadline (grading clock)
 * passes. A Pod by name is followed by the run's watch (no extra requests; a confirming GET
 * before giving up); other objects are polled every `pollIntervalMs`.
 */
export async function awaitReferencedObject<T>(options: {
  reference: ObjectReference;
  context: ClusterCheckContext;
  probe: (object: KubeObject | undefined) => T | undefined;
  deadline: Date;
  pollIntervalMs: number;
}): Promise<AwaitedObject<T>> {
  const { reference, context, probe, deadline, pollIntervalMs } = options;
  if (
    reference.kind === 'Pod' &&
    reference.name !== undefined &&
    reference.labelSelector === undefined
  ) {
    const observer = context.observations.pod(
      reference.namespace ?? context.namespace,
      reference.name,
    );
    const answer = await observer.waitFor(
      () => probe(observer.current()),
      deadline,
      context.signal,
    );
    if (answer !== undefined) return { answer, last: observer.current() };
    await observer.confirm();
    return { answer: probe(observer.current()), last: observer.current() };
  }
  for (;;) {
    const object = await findReferencedObject(reference, context, { fresh: true });
    const answer = probe(object);
    const remaining = deadline.getTime() - context.clock.now().getTime();
    if (answer !== undefined || remaining <= 0) return { answer, last: object };
    await context.clock.sleep(Math.min(pollIntervalMs, remaining), context.signal);
  }
}
