import type { ExpectedValue } from '../../assessments/format/expected-value.js';

/** One step from the document root to where an expectation sits. */
export type PathStep =
  | { type: 'field'; name: string }
  | { type: 'index'; index: number }
  /** An element of a keyed list, e.g. the container whose `name` is "web". */
  | { type: 'element'; list: string; noun: string; key: string; keyValue: unknown };

interface MismatchBase {
  path: PathStep[];
  expected: ExpectedValue;
}

/** Why an actual value does not satisfy an expected one. The mode doubles as the feedback key. */
export type Mismatch =
  | (MismatchBase & { mode: 'missing-field'; parent: unknown })
  | (MismatchBase & { mode: 'unexpected-field'; actual: unknown })
  | (MismatchBase & { mode: 'wrong-value'; actual: unknown })
  | (MismatchBase & { mode: 'wrong-type'; actual: unknown })
  | (MismatchBase & { mode: 'not-a-mapping'; actual: unknown })
  /** No list element has the expected key value (`keyed`), or none matches at all. */
  | (MismatchBase & {
      mode: 'missing-element';
      list: string;
      noun: string;
      /** For a keyed list: the key field and the value no element has. */
      key?: string;
      keyValue?: unknown;
      /** Keyed: the key values present; unkeyed: the elements present. */
      found: unknown[];
    });

export type MismatchMode = Mismatch['mode'];
