import { z } from 'zod';

/**
 * Label selectors as Kubernetes evaluates them: the string form used in queries and rubrics
 * (`app=web,tier!=db,env in (a,b),!legacy`) and the object form of ReplicaSets and Deployments
 * (`matchLabels` and `matchExpressions`). Both become the same list of requirements.
 */
export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

export interface LabelSelector {
  requirements: LabelRequirement[];
  /** As written, for messages. */
  text: string;
}

/** Parses `app=web,tier!=db`; undefined when the text is not a selector. */
export function parseLabelSelector(text: string): LabelSelector | undefined {
  const requirements: LabelRequirement[] = [];
  for (const part of splitTopLevel(text)) {
    const requirement = parseRequirement(part.trim());
    if (requirement === undefined) return undefined;
    requirements.push(requirement);
  }
  return { requirements, text };
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const character of text) {
    if (character === '(') depth += 1;
    if (character === ')') depth -= 1;
    if (character === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += character;
  }
  if (current.trim() !== '' || parts.length > 0) parts.push(current);
  return parts.filter((part) => part.trim() !== '');
}

const key = String.raw`[A-Za-z0-9][-A-Za-z0-9_./]*`;
const value = String.raw`[-A-Za-z0-9_.]*`;

function parseRequirement(part: string): LabelRequirement | undefined {
  let match = new RegExp(`^(${key})\\s*(==|=|!=)\\s*(${value})$`).exec(part);
  if (match) {
    const [, name = '', operator, wanted = ''] = match;
    return { key: name, operator: operator === '!=' ? 'NotIn' : 'In', values: [wanted] };
  }
  match = new RegExp(`^(${key})\\s+(in|notin)\\s*\\(([^)]*)\\)$`).exec(part);
  if (match) {
    const [, name = '', operator, list = ''] = match;
    const values = list.split(',').map((item) => item.trim());
    if (!values.every((item) => new RegExp(`^${value}$`).test(item))) return undefined;
    return { key: name, operator: operator === 'in' ? 'In' : 'NotIn', values };
  }
  match = new RegExp(`^(!?)\\s*(${key})$`).exec(part);
  if (match) {
    const [, negated, name = ''] = match;
    return { key: name, operator: negated ? 'DoesNotExist' : 'Exists', values: [] };
  }
  return undefined;
}

const selectorObject = z.looseObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z
    .array(
      z.looseObject({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

/** Parses a `spec.selector` object; undefined when it is absent or not one. */
export function parseLabelSelectorObject(source: unknown): LabelSelector | undefined {
  const parsed = selectorObject.safeParse(source);
  if (!parsed.success) return undefined;
  const fromLabels = Object.entries(parsed.data.matchLabels ?? {}).map(
    ([name, wanted]): LabelRequirement => ({ key: name, operator: 'In', values: [wanted] }),
  );
  const fromExpressions = (parsed.data.matchExpressions ?? []).map(
    (expression): LabelRequirement => ({
      key: expression.key,
      operator: expression.operator,
      values: expression.values ?? [],
    }),
  );
  const requirements = [...fromLabels, ...fromExpressions];
  return { requirements, text: requirements.map(describeRequirement).join(',') };
}

/**
 * Whether labels satisfy the selector. An empty selector matches nothing here: on a controller
 * an empty selector is invalid, and in a rubric it would make every Pod a "replacement".
 */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  if (selector.requirements.length === 0) return false;
  return selector.requirements.every((requirement) => {
    const present = Object.hasOwn(labels, requirement.key);
    const actual = present ? labels[requirement.key] : undefined;
    switch (requirement.operator) {
      case 'Exists':
        return present;
      case 'DoesNotExist':
        return !present;
      case 'In':
        return actual !== undefined && requirement.values.includes(actual);
      case 'NotIn':
        return actual === undefined || !requirement.values.includes(actual);
    }
  });
}

function describeRequirement(requirement: LabelRequirement): string {
  switch (requirement.operator) {
    case 'Exists':
      return requirement.key;
    case 'DoesNotExist':
      return `!${requirement.key}`;
    case 'In':
      return requirement.values.length === 1
        ? `${requirement.key}=${requirement.values[0]}`
        : `${requirement.key} in (${requirement.values.join(',')})`;
    case 'NotIn':
      return requirement.values.length === 1
        ? `${requirement.key}!=${requirement.values[0]}`
        : `${requirement.key} notin (${requirement.values.join(',')})`;
  }
}
