import { AppError } from '../../src/errors/app-error.js';
import { parseAssessment, type AssessmentIssue } from '../../src/assessments/parse-assessment.js';

const valid = `id: sample
version: 1.0.0
title: Sample
summary: A sample assessment.
passingScore: 0.5
timeLimitMinutes: 10
inputs:
  manifest: pod.yaml
checks:
  - id: kind-pod
    title: kind is Pod
    points: 1
    kind: manifest
    expect:
      kind: Pod
  - id: name
    title: named my-pod
    points: 2
    kind: manifest
    expect: { metadata: { name: my-pod } }
quiz:
  - id: why
    prompt: Why?
    type: free-text
    points: 2
    concepts:
      - id: because
        label: because
        points: 2
        synonyms: [because]
`;

function parse(text: string) {
  return parseAssessment({
    bytes: new TextEncoder().encode(text),
    file: 'assessments/sample/assessment.yaml',
    expectedId: 'sample',
  });
}

function issuesOf(text: string): AssessmentIssue[] {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof AppError && error.code === 'ASSESSMENT_INVALID') {
      expect(error.details.file).toBe('assessments/sample/assessment.yaml');
      return error.details.issues as AssessmentIssue[];
    }
    throw error;
  }
  throw new Error('expected the assessment to be rejected');
}

/** 1-based number of the first line containing the snippet (after `from`, when given). */
function lineOf(text: string, snippet: string, from = 0): number {
  const index = text.indexOf(snippet, from);
  if (index < 0) throw new Error(`"${snippet}" not in text`);
  return text.slice(0, index).split('\n').length;
}

describe('parseAssessment', () => {
  it('accepts a valid file, filling in defaults and computing the maximum score', () => {
    const assessment = parse(valid);
    expect(assessment.inputs).toEqual({
      manifest: 'pod.yaml',
      namespace: 'default',
      allowInsecureTls: false,
    });
    expect(assessment.checks[0]).toEqual(
      expect.objectContaining({ select: {}, fallbackToSingleDocument: true }),
    );
    expect(assessment.maxScore).toBe(5);
    expect(assessment.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects points of zero with the path and line', () => {
    const text = valid.replace('points: 2\n    kind: manifest', 'points: 0\n    kind: manifest');
    expect(issuesOf(text)).toEqual([
      {
        path: 'checks[1].points',
        line: lineOf(text, 'points: 0'),
        message: expect.stringContaining('>0'),
      },
    ]);
  });

  it('rejects an unknown check kind at the kind line', () => {
    const text = valid.replace(
      'kind: manifest\n    expect: { metadata',
      'kind: manifesto\n    expect: { metadata',
    );
    expect(issuesOf(text)).toEqual([
      {
        path: 'checks[1].kind',
        line: lineOf(text, 'kind: manifesto'),
        message: expect.any(String),
      },
    ]);
  });

  it('rejects a misspelt field at the line of the misspelling', () => {
    const text = valid.replace(
      '    title: named my-pod\n',
      '    title: named my-pod\n    hnit: try harder\n',
    );
    expect(issuesOf(text)).toEqual([
      {
        path: 'checks[1].hnit',
        line: lineOf(text, 'hnit:'),
        message: expect.stringContaining('hnit'),
      },
    ]);
  });

  it('rejects duplicate check ids at the second one', () => {
    const text = valid.replace('  - id: name\n', '  - id: kind-pod\n');
    expect(issuesOf(text)).toEqual([
      {
        path: 'checks[1].id',
        line: lineOf(text, 'id: kind-pod', text.indexOf('kind: Pod')),
        message: 'Duplicate id "kind-pod"',
      },
    ]);
  });

  it('rejects concept points that do not add up to the question points', () => {
    const text = valid.replace(
      '        points: 2\n        synonyms',
      '        points: 1\n        synonyms',
    );
    expect(issuesOf(text)).toEqual([
      {
        path: 'quiz[0].points',
        line: lineOf(text, 'points: 2', text.indexOf('type: free-text') - 20),
        message: expect.stringContaining('add up to 1'),
      },
    ]);
  });

  it('rejects a misspelt matcher inside a flow mapping, pointing into the expectation', () => {
    const text = valid.replace(
      'expect: { metadata: { name: my-pod } }',
      'expect: { metadata: { name: { $presnt: true } } }',
    );
    const [issue] = issuesOf(text);
    expect(issue?.path).toBe('checks[1].expect.metadata.name["$presnt"]');
    expect(issue?.message).toContain('$presnt');
    expect(issue?.line).toBe(lineOf(text, '$presnt'));
  });

  it('rejects a version that YAML reads as a number, explaining how to write it', () => {
    const text = valid.replace('version: 1.0.0', 'version: 1.0');
    expect(issuesOf(text)).toEqual([
      { path: 'version', line: 2, message: expect.stringContaining('"1.0.0"') },
    ]);
  });

  it('rejects a missing required field, pointing at the nearest existing parent', () => {
    const text = valid.replace('    title: kind is Pod\n', '');
    expect(issuesOf(text)).toEqual([
      {
        path: 'checks[0].title',
        line: lineOf(text, '- id: kind-pod'),
        message: expect.any(String),
      },
    ]);
  });

  it('rejects a correct answer that is not one of the choices', () => {
    const text = valid.replace(
      /quiz:[\s\S]*/,
      'quiz:\n  - id: pick\n    prompt: Pick one\n    type: single-choice\n    points: 1\n    choices:\n      - { id: a, text: A }\n      - { id: b, text: B }\n    correct: [c]\n',
    );
    expect(issuesOf(text)).toEqual([
      {
        path: 'quiz[0].correct[0]',
        line: lineOf(text, 'correct: [c]'),
        message: 'No choice has id "c"',
      },
    ]);
  });

  it('rejects a concept pattern that is not a regular expression', () => {
    const text = valid.replace(
      'synonyms: [because]',
      'synonyms: [because]\n        patterns: ["(unclosed"]',
    );
    expect(issuesOf(text)).toEqual([
      {
        path: 'quiz[0].concepts[0].patterns[0]',
        line: lineOf(text, '(unclosed'),
        message: 'Not a valid regular expression',
      },
    ]);
  });

  it('reports several issues at once', () => {
    const text = valid
      .replace('passingScore: 0.5', 'passingScore: 70')
      .replace('timeLimitMinutes: 10', 'timeLimitMinutes: -1');
    expect(issuesOf(text).map((issue) => [issue.path, issue.line])).toEqual([
      ['passingScore', 5],
      ['timeLimitMinutes', 6],
    ]);
  });

  it('rejects YAML syntax errors with their line', () => {
    const text = valid.replace('  manifest: pod.yaml', '  manifest: [pod.yaml');
    const [issue] = issuesOf(text);
    expect(issue?.path).toBe('');
    expect(issue?.message).toMatch(/^Not valid YAML/);
    expect(issue?.line).toBeGreaterThanOrEqual(lineOf(text, 'manifest: [pod.yaml'));
  });

  it('rejects a file whose id is not its folder name', () => {
    expect(issuesOf(valid.replace('id: sample', 'id: other'))).toEqual([
      { path: 'id', line: 1, message: 'The id "other" must equal its folder name "sample"' },
    ]);
  });

  it('rejects an empty file', () => {
    expect(issuesOf('# nothing here\n')).toEqual([
      { path: '', line: 1, message: expect.any(String) },
    ]);
  });
});
