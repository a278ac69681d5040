import request from 'supertest';
import { openTestServices } from '../test/support/test-services.ts';
import { attemptBody } from '../test/support/first-pod-fixtures.ts';
const s = await openTestServices();
const r = await request(s.app).post('/v1/attempts').send(attemptBody());
console.log(r.status, r.body, s.catalog.list?.());
await s.close();
