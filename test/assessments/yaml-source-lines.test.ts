import { parseEvents } from 'js-yaml';
import { mapYamlSourceLines } from '../../src/assessments/yaml-source-lines.js';

function linesOf(text: string) {
  return mapYamlSourceLines(text, parseEvents(text, {}));
}

describe('mapYamlSourceLines', () => {
  const text = [
    '# a comment', //                    1
    'top: value', //                     2
    'nested:', //                        3
    '  child:', //                       4
    '    leaf: 1', //                    5
    'list:', //                          6
    '  - first', //                      7
    '  - name: second', //               8
    '    extra: yes', //                 9
    'flow: { a: 1, b: [x, y] }', //      10
    '"quoted key": here', //             11
    'block: |', //                       12
    '  some text', //                    13
    'after: 2', //                       14
  ].join('\n');
  const lines = linesOf(text);

  it('finds keys of nested mappings', () => {
    expect(lines.lineOf(['top'])).toBe(2);
    expect(lines.lineOf(['nested'])).toBe(3);
    expect(lines.lineOf(['nested', 'child'])).toBe(4);
    expect(lines.lineOf(['nested', 'child', 'leaf'])).toBe(5);
  });

  it('finds list items and their fields', () => {
    expect(lines.lineOf(['list', 0])).toBe(7);
    expect(lines.lineOf(['list', 1])).toBe(8);
    expect(lines.lineOf(['list', 1, 'extra'])).toBe(9);
  });

  it('finds values in flow collections, quoted keys and after block scalars', () => {
    expect(lines.lineOf(['flow', 'b', 1])).toBe(10);
    expect(lines.lineOf(['quoted key'])).toBe(11);
    expect(lines.lineOf(['block'])).toBe(12);
    expect(lines.lineOf(['after'])).toBe(14);
  });

  it('falls back to the nearest existing ancestor for a path that is not in the text', () => {
    expect(lines.lineOf(['list', 1, 'missing'])).toBe(8);
    expect(lines.lineOf(['nested', 'child', 'other', 'deeper'])).toBe(4);
    expect(lines.lineOf(['nowhere'])).toBe(2);
  });

  it('tells list indexes and numeric-looking keys apart', () => {
    const numeric = linesOf('map:\n  "0": zero\nlist:\n  - item\n');
    expect(numeric.lineOf(['map', '0'])).toBe(2);
    expect(numeric.lineOf(['list', 0])).toBe(4);
    expect(numeric.lineOf(['map', 0])).toBe(1);
  });

  it('skips over complex keys without losing its place', () => {
    const complex = linesOf('? [a, b]\n: value\nnext: 1\n');
    expect(complex.lineOf(['next'])).toBe(3);
  });
});
