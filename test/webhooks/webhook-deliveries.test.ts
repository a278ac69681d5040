import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { awaitCondition } from '../support/await-condition.js';
import { attemptBody, fixtureAssessmentsDirectory } from '../support/first-pod-fixtures.js';
import { openTestServices, type TestServices } from '../support/test-services.js';

/** A receiver that answers 500 to the first three tries of each message, then 200. */
interface Received {
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

let services: TestServices;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  services = await openTestServices({ assessmentsDirectory: fixtureAssessmentsDirectory });
  services.startWorker();
  services.startIntegrationWorkers();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      const triesSoFar = received.filter((entry) => entry.id === id).length;
      const status = triesSoFar < 3 ? 500 : 200;
      received.push({ id, headers: req.headers, body: Buffer.concat(chunks).toString(), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/kubegrade`;
});

afterAll(async () => {
  await services.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

async function deliveryFor(attemptId: string) {
  const list = await services.api.get(`/v1/webhooks/deliveries?attemptId=${attemptId}`).expect(200);
  return list.body.data[0] as { id: string; status: string; tries: number } | undefined;
}

describe('webhooks', () => {
  it('delivers each graded attempt exactly once to a receiver that fails three times, signed so standardwebhooks verifies it, with every try in the log', async () => {
    const created = await services.api
      .post('/v1/webhooks/endpoints')
      .send({ url: receiverUrl, description: 'LMS bridge' })
      .expect(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^whsec_/);
    expect(created.body.events).toEqual([
      'attempt.graded',
      'attempt.not_gradable',
      'attempt.regraded',
    ]);

    const attemptIds: string[] = [];
    for (const learnerId of ['learner-a', 'learner-b']) {
      const posted = await services.api
        .post('/v1/attempts')
        .send(attemptBody({ learnerId }))
        .expect(202);
      attemptIds.push(posted.body.id);
    }
    const deliveries = await Promise.all(
      attemptIds.map((attemptId) =>
        awaitCondition(`delivery of ${attemptId}`, async () => {
          const delivery = await deliveryFor(attemptId);
          return delivery?.status === 'delivered' ? delivery : undefined;
        }),
      ),
    );

    const verifier = new Webhook(secret);
    for (const [index, attemptId] of attemptIds.entries()) {
      const accepted = received.filter(
        (entry) => entry.status === 200 && JSON.parse(entry.body).data.attemptId === attemptId,
      );
      expect(accepted).toHaveLength(1);
      const [delivery] = accepted;
      const event = verifier.verify(delivery!.body, {
        'webhook-id': String(delivery!.headers['webhook-id']),
        'webhook-timestamp': String(delivery!.headers['webhook-timestamp']),
        'webhook-signature': String(delivery!.headers['webhook-signature']),
      }) as { type: string; data: Record<string, unknown> };
      expect(event.type).toBe('attempt.graded');
      expect(event.data).toMatchObject({
        attemptId,
        learnerId: index === 0 ? 'learner-a' : 'learner-b',
        status: 'graded',
        score: expect.any(Number),
        maxScore: expect.any(Number),
      });
      // Four tries of one message: the same webhook-id every time, so receivers can deduplicate.
      expect(received.filter((entry) => entry.id === delivery!.id)).toHaveLength(4);

      const log = await services.api
        .get(`/v1/webhooks/deliveries/${deliveries[index]!.id}`)
        .expect(200);
      expect(log.body).toMatchObject({
        status: 'delivered',
        tries: 4,
        lastStatusCode: 200,
        eventType: 'attempt.graded',
      });
      expect(log.body.log.map((entry: { statusCode: number }) => entry.statusCode)).toEqual([
        500, 500, 500, 200,
      ]);
      expect(log.body.log[0].error).toBe('receiver answered 500');
    }
    expect(services.logLines.join('\n')).not.toContain(secret.slice(6));
  });

  it('redelivers on request with the same webhook-id, and signs with both secrets after a rotation', async () => {
    const endpoints = await services.api.get('/v1/webhooks/endpoints').expect(200);
    const endpointId: string = endpoints.body.data[0].id;
    const rotated = await services.api
      .post(`/v1/webhooks/endpoints/${endpointId}/rotate-secret`)
      .send({ previousSecretValidForSeconds: 600 })
      .expect(200);
    expect(rotated.body.previousSecretValidUntil).not.toBeNull();
    const [delivery] = (await services.api.get('/v1/webhooks/deliveries').expect(200)).body.data;
    const before = received.length;
    await services.api
      .post(`/v1/webhooks/deliveries/${delivery.id}/redeliver`)
      .send({})
      .expect(202);
    const again = await awaitCondition('the redelivery', () => received.slice(before)[0]);
    expect(again.id).toBe(delivery.eventId);
    expect(String(again.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(
      new Webhook(rotated.body.secret).verify(again.body, {
        'webhook-id': again.id,
        'webhook-timestamp': String(again.headers['webhook-timestamp']),
        'webhook-signature': String(again.headers['webhook-signature']),
      }),
    ).toBeTruthy();
    const log = await awaitCondition('the redelivery in the log', async () => {
      const read = await services.api.get(`/v1/webhooks/deliveries/${delivery.id}`).expect(200);
      return read.body.status === 'delivered' && read.body.tries === 5 ? read.body : undefined;
    });
    expect(log.log).toHaveLength(5);
  });

  it("keeps a tenant's endpoints and deliveries from every other tenant, and needs assessments:admin", async () => {
    const [delivery] = (await services.api.get('/v1/webhooks/deliveries').expect(200)).body.data;
    const other = await services.createTenantWithKey();
    const missing = await other.api.get(`/v1/webhooks/deliveries/${delivery.id}`).expect(404);
    expect(missing.body.error.code).toBe('WEBHOOK_DELIVERY_NOT_FOUND');
    await other.api.post(`/v1/webhooks/deliveries/${delivery.id}/redeliver`).send({}).expect(404);
    expect((await other.api.get('/v1/webhooks/endpoints').expect(200)).body.data).toEqual([]);
    const reader = await services.createTenantWithKey({ scopes: ['attempts:read'] });
    const forbidden = await reader.api.get('/v1/webhooks/endpoints').expect(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN_SCOPE');
  });

  it('refuses endpoint URLs the outbound guard refuses, before storing anything', async () => {
    for (const url of [
      'https://169.254.169.254/latest/meta-data',
      'https://10.0.0.8/hook',
      'ftp://example.com/x',
    ]) {
      const refused = await services.api.post('/v1/webhooks/endpoints').send({ url }).expect(422);
      expect(refused.body.error.code).toBe('INTEGRATION_URL_REFUSED');
    }
    const bad = await services.api
      .post('/v1/webhooks/endpoints')
      .send({ url: receiverUrl, events: ['attempt.deleted'] })
      .expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await services.api.get('/v1/webhooks/endpoints').expect(200)).body.data).toHaveLength(
      1,
    );
  });
});
