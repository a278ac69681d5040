import { z } from 'zod';
import { regularExpressionSource } from './regular-expression.js';

/**
 * The declarative "expected object" language shared by manifest and cluster checks.
 *
 * A value is matched strictly: `80` matches only the number 80 (not "80", not 8080).
 * A mapping is matched partially: only the listed keys matter, extra keys are fine.
 * A list is matched by element key (containers by `name`, ports by `containerPort`...), see
 * src/grading/matching/list-keys.ts. A mapping whose keys start with `$` is a matcher.
 */

export const scalarValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type ScalarValue = z.infer<typeof scalarValue>;

/** `{ $present: true }`: the key exists with a non-null value; `false`: it is absent or null. */
export const presentMatcher = z.strictObject({ $present: z.boolean() });

/** `{ $pattern: "^nginx:1\\." }`: a string matching this regular expression. */
export const patternMatcher = z.strictObject({
  $pattern: regularExpressionSource,
});

/** `{ $oneOf: [Running, Succeeded] }`: equal to one of these scalars. */
export const oneOfMatcher = z.strictObject({ $oneOf: z.array(scalarValue).min(1) });

export const valueMatcher = z.union([presentMatcher, patternMatcher, oneOfMatcher]);
export type ValueMatcher = z.infer<typeof valueMatcher>;

/** A key of an expected mapping; `$` is reserved for matchers so a typo like `$presnt` is caught. */
const expectedKey = z
  .string()
  .regex(/^[^$]/, 'Keys starting with "$" are matchers: $present, $pattern or $oneOf');

export type ExpectedValue =
  ScalarValue | ValueMatcher | ExpectedValue[] | { [key: string]: ExpectedValue };

export const expectedValue: z.ZodType<ExpectedValue> = z
  .union([
    scalarValue,
    valueMatcher,
    z.array(z.lazy(() => expectedValue)),
    z.record(
      expectedKey,
      z.lazy(() => expectedValue),
    ),
  ])
  .meta({ id: 'ExpectedValue' });

/** The top of an `expect:` block is always a mapping (an object's fields). */
export const expectedObject = z.record(expectedKey, expectedValue).meta({ id: 'ExpectedObject' });
export type ExpectedObject = z.infer<typeof expectedObject>;
