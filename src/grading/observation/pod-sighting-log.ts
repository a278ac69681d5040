import type { KubeObject, PodWatchEvent } from '../cluster-reader.js';
import type { GradingClock } from '../grading-clock.js';
import { readPodFacts, type PodFacts } from '../kubernetes/pod-facts.js';
import type {
  FocusVersion,
  PhaseTransition,
  PodAppearance,
  PodDeletion,
  SightingSource,
} from './pod-sightings.js';

export interface PodSightingLogOptions {
  clock: GradingClock;
  /** The followed Pod's name (`my-pod`); other Pods in the namespace are recorded too. */
  name: string;
  /** Called after every recorded change, so that waiters can ask again. */
  onChange: () => void;
}

/**
 * What the grader has seen of one namespace's Pods, in the order it saw it: which Pods exist,
 * which are gone (and how the grader learnt it), which appeared while it watched, the phases of
 * each, and every state of the followed name. It only records what it is given; the
 * `PodObserver` decides what to read and when, and keeps the watch going.
 */
export class PodSightingLog {
  private readonly clock: GradingClock;
  private readonly name: string;
  private readonly onChange: () => void;
  private readonly present = new Map<string, KubeObject>();
  private readonly deletions = new Map<string, PodDeletion>();
  private readonly appearances: PodAppearance[] = [];
  private readonly knownUids = new Set<string>();
  private readonly phases = new Map<string, PhaseTransition[]>();
  private readonly focusVersions: FocusVersion[] = [];
  private pinnedUid: string | undefined;

  constructor(options: PodSightingLogOptions) {
    this.clock = options.clock;
    this.name = options.name;
    this.onChange = options.onChange;
  }

  /** The followed Pod as it is now (by the grader's latest knowledge), if it exists. */
  current(): KubeObject | undefined {
    return [...this.present.values()].find((object) => readPodFacts(object).name === this.name);
  }

  /** The Pod the deletion is judged on: the one pinned at the running moment, else the last seen. */
  trackedUid(): string | undefined {
    if (this.pinnedUid !== undefined) return this.pinnedUid;
    const seen = this.focusVersions.filter((version) => version.uid !== undefined);
    return seen[seen.length - 1]?.uid;
  }

  /** The last state seen of a Pod, present or already deleted. */
  lastSeen(uid: string): KubeObject | undefined {
    return this.present.get(uid) ?? this.deletions.get(uid)?.lastObject;
  }

  /** Fixes which Pod "the learner's Pod" is: the one the grader saw running. */
  pin(uid: string): void {
    this.pinnedUid ??= uid;
  }

  phasesOf(uid: string): PhaseTransition[] {
    return [...(this.phases.get(uid) ?? [])];
  }

  deletionOf(uid: string): PodDeletion | undefined {
    return this.deletions.get(uid);
  }

  /** Pods created (watch ADDED) at or after `since`, other than `exceptUid`. */
  appearedSince(since: Date, exceptUid: string): PodAppearance[] {
    return this.appearances.filter(
      (appearance) => appearance.uid !== exceptUid && appearance.at >= since,
    );
  }

  /** Every Pod in the namespace the grader knows to exist now, for diagnosing a wrong name. */
  podsInNamespace(): PodFacts[] {
    return [...this.present.values()].map(readPodFacts);
  }

  /** States of the followed name since `since` (the one current then included). */
  versionsSince(since: Date): FocusVersion[] {
    const index = this.focusVersions.findLastIndex((version) => version.at <= since);
    return this.focusVersions.slice(Math.max(0, index));
  }

  /** The recorded part of the attempt's evidence: the tracked Pod, phases, deletion, new Pods. */
  evidence(): {
    uid: string | null;
    phases: Record<string, unknown>[];
    deletion: Record<string, unknown> | null;
    podsCreatedWhileWatching: Record<string, unknown>[];
  } {
    const uid = this.trackedUid();
    const deletion = uid === undefined ? undefined : this.deletions.get(uid);
    return {
      uid: uid ?? null,
      phases: [...this.phases.entries()].map(([podUid, transitions]) => ({
        uid: podUid,
        transitions: transitions.map((item) => ({ ...item, at: item.at.toISOString() })),
      })),
      deletion:
        deletion === undefined
          ? null
          : { uid: deletion.uid, at: deletion.at.toISOString(), source: deletion.source },
      podsCreatedWhileWatching: this.appearances.map((item) => ({
        name: item.name,
        uid: item.uid,
        at: item.at.toISOString(),
      })),
    };
  }

  /** One watch event; `facts` are the event object's, already read by the caller. */
  recordWatchEvent(event: PodWatchEvent, facts: PodFacts): void {
    const uid = facts.uid;
    if (uid === undefined) return;
    const at = this.clock.now();
    if (event.type === 'DELETED') {
      this.markDeleted(uid, at, 'watch', event.object);
      return;
    }
    if (event.type === 'ADDED' && !this.knownUids.has(uid)) {
      this.appearances.push({ uid, name: facts.name ?? '', at, object: event.object });
    }
    this.markPresent(event.object, facts, at);
  }

  /** A GET of the followed name: the Pod it returned, or undefined for a 404. */
  recordRead(object: KubeObject | undefined, source: SightingSource): void {
    const at = this.clock.now();
    if (object !== undefined) {
      const facts = readPodFacts(object);
      // The name now belongs to another Pod: the one we knew is gone.
      for (const [uid, known] of this.present) {
        if (uid !== facts.uid && readPodFacts(known).name === this.name)
          this.markDeleted(uid, at, source, known);
      }
      this.markPresent(object, facts, at);
      return;
    }
    for (const [uid, known] of this.present) {
      if (readPodFacts(known).name === this.name) this.markDeleted(uid, at, source, known);
    }
    if (this.focusVersions.length === 0)
      this.focusVersions.push({ at, uid: undefined, object: undefined });
    this.onChange();
  }

  private markPresent(object: KubeObject, facts: PodFacts, at: Date): void {
    const uid = facts.uid;
    if (uid === undefined || this.deletions.has(uid)) return;
    this.knownUids.add(uid);
    this.present.set(uid, object);
    if (facts.name === this.name) {
      this.focusVersions.push({ at, uid, object });
      this.notePhase(uid, facts, at);
    }
    this.onChange();
  }

  private markDeleted(uid: string, at: Date, source: SightingSource, lastObject: KubeObject): void {
    if (this.deletions.has(uid)) return;
    this.knownUids.add(uid);
    this.present.delete(uid);
    this.deletions.set(uid, { uid, at, source, lastObject });
    if (readPodFacts(lastObject).name === this.name)
      this.focusVersions.push({ at, uid: undefined, object: undefined });
    this.onChange();
  }

  private notePhase(uid: string, facts: PodFacts, at: Date): void {
    if (facts.phase === undefined) return;
    const transitions = this.phases.get(uid) ?? [];
    if (transitions.length === 0 && facts.phase !== 'Pending') {
      transitions.push({
        phase: 'Pending',
        at,
        source: 'implied-by-creation',
        ...(facts.creationTimestamp === undefined ? {} : { clusterTime: facts.creationTimestamp }),
      });
    }
    if (transitions[transitions.length - 1]?.phase !== facts.phase) {
      transitions.push({ phase: facts.phase, at, source: 'observed' });
    }
    this.phases.set(uid, transitions);
  }
}
