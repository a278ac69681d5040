// A Prisma generator that only writes the DMMF data model (Prisma's own reading of schema.prisma)
// to <output>/datamodel.json. Prisma talks to generators in JSON-RPC: requests arrive on stdin
// one per line, answers go back on stderr.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const answer = (id, result) =>
  process.stderr.write(`${JSON.stringify({ jsonrpc: '2.0', id, result })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue;
  const request = JSON.parse(line);
  if (request.method === 'getManifest') {
    answer(request.id, { manifest: { prettyName: 'DMMF dump', requiresEngines: [] } });
  } else if (request.method === 'generate') {
    const output = request.params.generator.output.value;
    mkdirSync(output, { recursive: true });
    writeFileSync(join(output, 'datamodel.json'), JSON.stringify(request.params.dmmf.datamodel));
    answer(request.id, null);
  }
}
