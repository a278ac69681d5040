import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { errorCodes } from '../../src/errors/app-error.js';
import { httpStatusByCode } from '../../src/http/error-catalogue.js';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** The rows of the README's error table: code → status. */
function errorTable(): Map<string, number> {
  const rows = new Map<string, number>();
  for (const match of readme.matchAll(/^\| `([A-Z_]+)` +\| (\d{3}) +\|/gm)) {
    rows.set(match[1]!, Number(match[2]));
  }
  return rows;
}

describe('README', () => {
  it('lists every error code of the catalogue in its error table, with its HTTP status', () => {
    const table = errorTable();
    const listed = errorCodes.map((code) => [code, table.get(code)]);
    expect(listed).toEqual(errorCodes.map((code) => [code, httpStatusByCode[code]]));
  });

  it('names every configuration variable', () => {
    const config = readFileSync(
      fileURLToPath(new URL('../../src/config/config.ts', import.meta.url)),
      'utf8',
    );
    const start = config.indexOf('const environmentSchema');
    const schema = config.slice(start, config.indexOf('\n});', start));
    const variables = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1]!);
    expect(variables.length).toBeGreaterThan(30);
    expect(variables.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});
