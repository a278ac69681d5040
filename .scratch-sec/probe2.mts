import request from 'supertest';
import { gzipSync } from 'node:zlib';
import { openTestServices } from '../test/support/test-services.ts';
import { attemptBody } from '../test/support/first-pod-fixtures.ts';
const s = await openTestServices({ allowCidrs: '' });
const base = attemptBody();
for (const size of [300_000, 50_000_000]) {
const r = await request(s.app).post('/v1/attempts').set('content-type', 'application/json').set('content-encoding', 'gzip').send(gzipSync(Buffer.from(JSON.stringify({...base, manifest: ' '.repeat(size)}))));
console.log(r.status, r.body);
}
const r2 = await request(s.app).post('/v1/attempts').set('content-type', 'application/json').set('content-encoding', 'br').send(Buffer.from('garbage'));
console.log(r2.status, r2.body);
const r3 = await request(s.app).post('/v1/attempts').set('content-type', 'application/json').set('content-encoding', 'gzip').send(Buffer.from('garbage'));
console.log(r3.status, r3.body);
console.log(s.logLines.map(l => l.slice(0, 600)).join('\n'));
await s.close();
