import { z } from 'zod';

/**
 * What the grader observed of the learner's Pod, read back from the stored evidence
 * (`pod-timeline`, `pod-snapshot`, `pod-events`) into the few facts the page draws. Rows are
 * parsed, not cast: evidence written by an older grader still renders what it can.
 */

const transition = z.object({
  phase: z.string(),
  at: z.iso.datetime({ offset: true }),
  source: z.string().optional(),
});
const timelineSchema = z.looseObject({
  name: z.string(),
  uid: z.string().nullable().catch(null),
  followingSince: z.iso.datetime({ offset: true }).nullable().catch(null),
  /** When the grader stopped looking (its clock); absent in evidence of older graders. */
  observedUntil: z.iso.datetime({ offset: true }).optional().catch(undefined),
  phases: z.array(z.object({ uid: z.string(), transitions: z.array(transition) })).catch([]),
  deletion: z
    .object({ uid: z.string(), at: z.iso.datetime({ offset: true }) })
    .nullable()
    .catch(null),
  podsCreatedWhileWatching: z
    .array(z.object({ name: z.string(), uid: z.string(), at: z.iso.datetime({ offset: true }) }))
    .catch([]),
  failure: z.object({ reason: z.string() }).nullable().catch(null),
});
const snapshotSchema = z.looseObject({
  spec: z.looseObject({ nodeName: z.string().optional() }).optional().catch(undefined),
  status: z.looseObject({ podIP: z.string().optional() }).optional().catch(undefined),
});
const eventsSchema = z
  .array(
    z.looseObject({
      type: z.string().optional().nullable(),
      reason: z.string(),
      message: z.string(),
      count: z.number().optional(),
    }),
  )
  .catch([]);

export interface ObservedTimeline {
  podName: string;
  /** When the grader began to follow the Pod. */
  start: Date;
  /** Phases of the learner's Pod, in the order seen. */
  phases: Array<{ phase: string; at: Date }>;
  node: string | undefined;
  ip: string | undefined;
  deletedAt: Date | undefined;
  /** The stability window after the deletion, if the rubric has one. */
  window: { seconds: number; ends: Date } | undefined;
  /** Pods that appeared after the deletion (a controller recreating it, or the learner). */
  cameBack: Array<{ name: string; at: Date }>;
  /** Warnings the cluster gave about the Pod (ImagePullBackOff, FailedScheduling...). */
  warnings: Array<{ reason: string; message: string; count: number }>;
  /** When the grader stopped looking (the attempt's end, or now while it runs). */
  end: Date;
  watchFailure: string | undefined;
}

export interface EvidenceRow {
  kind: string;
  data: unknown;
}

export function readObservedTimeline(
  evidence: readonly EvidenceRow[],
  options: {
    windowSeconds: number | undefined;
    end: Date;
    /** Grading has ended: the recorded end of looking is final (while running it is not). */
    finished?: boolean;
  },
): ObservedTimeline | undefined {
  const timelineRow = evidence.find((row) => row.kind === 'pod-timeline');
  const timeline = timelineSchema.safeParse(timelineRow?.data);
  if (!timeline.success) return undefined;
  const data = timeline.data;
  const snapshot = snapshotSchema.safeParse(
    evidence.find((row) => row.kind === 'pod-snapshot')?.data,
  );
  const events = eventsSchema.parse(evidence.find((row) => row.kind === 'pod-events')?.data ?? []);

  const uid = data.uid ?? data.phases[0]?.uid;
  const phases = (data.phases.find((entry) => entry.uid === uid)?.transitions ?? []).map(
    (item) => ({ phase: item.phase, at: new Date(item.at) }),
  );
  const deletedAt = data.deletion ? new Date(data.deletion.at) : undefined;
  const window =
    deletedAt && options.windowSeconds !== undefined
      ? {
          seconds: options.windowSeconds,
          ends: new Date(deletedAt.getTime() + options.windowSeconds * 1000),
        }
      : undefined;
  const starts = [
    data.followingSince ? new Date(data.followingSince) : undefined,
    phases[0]?.at,
  ].filter((value): value is Date => value !== undefined);
  // The grader's own end of looking when recorded: the phases were seen on that clock.
  const end =
    options.finished === true && data.observedUntil !== undefined
      ? new Date(data.observedUntil)
      : options.end;
  const start = new Date(Math.min(...starts.map((d) => d.getTime()), end.getTime()));
  const lastKnown = Math.max(
    end.getTime(),
    window?.ends.getTime() ?? 0,
    ...phases.map((p) => p.at.getTime()),
  );
  return {
    podName: data.name,
    start,
    phases,
    node: snapshot.success ? snapshot.data.spec?.nodeName : undefined,
    ip: snapshot.success ? snapshot.data.status?.podIP : undefined,
    deletedAt,
    window,
    cameBack: data.podsCreatedWhileWatching
      .filter((pod) => deletedAt !== undefined && new Date(pod.at) >= deletedAt)
      .map((pod) => ({ name: pod.name, at: new Date(pod.at) })),
    warnings: events
      .filter((event) => event.type === 'Warning')
      .map((event) => ({ reason: event.reason, message: event.message, count: event.count ?? 1 })),
    end: new Date(lastKnown),
    watchFailure: data.failure?.reason,
  };
}
