import type { CheckBase } from '../../assessments/format/check-base.js';
import { builtInCheckKinds } from './built-in-check-kinds.js';
import type { AnyCheckKindModule } from './check-kind.js';

/** The check kinds a run (or a loader) knows: the built-in ones unless a caller adds its own. */
export type CheckKinds = readonly AnyCheckKindModule[];

/** The module of a check's kind; a kind the loader accepted always has one. */
export function checkKindOf(
  kind: string,
  kinds: CheckKinds = builtInCheckKinds,
): AnyCheckKindModule {
  const module = kinds.find((item) => item.kind === kind);
  if (module === undefined) throw new Error(`No check kind "${kind}" is defined`);
  return module;
}

/** Whether a check of this kind looks at the learner's cluster. */
export function readsCluster(check: Pick<CheckBase, 'kind'>, kinds?: CheckKinds): boolean {
  return checkKindOf(check.kind, kinds).readsCluster;
}
