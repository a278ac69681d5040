import request from 'supertest';
import { errorBodySchema } from '../../src/http/openapi/error-body.js';
import {
  errorCodesOf,
  errorExample,
  listDocumentedRoutes,
} from '../../src/http/openapi/openapi-document.js';
import { openTestServices, type TestServices } from '../support/test-services.js';

let services: TestServices;

beforeAll(async () => {
  // Every optional part of the API is on (webhooks, LTI, exports, metrics, dashboard).
  services = await openTestServices();
});

afterAll(async () => {
  await services.close();
});

async function fetchDocument() {
  // Public: no API key.
  const response = await request(services.app).get('/v1/openapi.json').expect(200);
  return response.body as {
    openapi: string;
    paths: Record<string, Record<string, { security: unknown[]; responses: object }>>;
    components: { securitySchemes: Record<string, unknown> };
  };
}

describe('GET /v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document with the Bearer API key scheme', async () => {
    const document = await fetchDocument();
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(document.components.securitySchemes.apiKey).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
  });

  it('documents every route the app serves', () => {
    const undocumented = listDocumentedRoutes(services.app)
      .filter((route) => route.doc === undefined)
      .map((route) => `${route.method.toUpperCase()} ${route.path}`);
    expect(undocumented).toEqual([]);
  });

  it('documents only routes that exist, each once', async () => {
    const document = await fetchDocument();
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = listDocumentedRoutes(services.app).map(
      (route) => `${route.method.toUpperCase()} ${route.path}`,
    );
    expect([...documented].sort()).toEqual([...new Set(served)].sort());
    expect(documented).toContain('GET /v1/attempts');
    expect(documented).toContain('GET /v1/attempts/{id}');
  });

  it('answers every documented path and method with something other than ROUTE_NOT_FOUND', async () => {
    const document = await fetchDocument();
    for (const [path, operations] of Object.entries(document.paths)) {
      const concrete = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      for (const method of Object.keys(operations)) {
        const call = request(services.app)[method as 'get'](concrete);
        const response = await call.set('Accept', 'application/json');
        expect({ route: `${method} ${path}`, code: response.body?.error?.code }).not.toEqual({
          route: `${method} ${path}`,
          code: 'ROUTE_NOT_FOUND',
        });
      }
    }
  });

  it('gives every example in a shape its zod schema accepts', () => {
    const checked: string[] = [];
    for (const route of listDocumentedRoutes(services.app)) {
      const { doc } = route;
      if (!doc) continue;
      const where = `${route.method.toUpperCase()} ${route.path}`;
      if (doc.bodyExample !== undefined) {
        expect({ where, issues: doc.body?.safeParse(doc.bodyExample).error?.issues }).toEqual({
          where,
          issues: undefined,
        });
        checked.push(`${where} body`);
      }
      if (doc.queryExample !== undefined) {
        expect({ where, issues: doc.query?.safeParse(doc.queryExample).error?.issues }).toEqual({
          where,
          issues: undefined,
        });
        checked.push(`${where} query`);
      }
      for (const [status, response] of Object.entries(doc.responses)) {
        if (response.example === undefined) continue;
        expect(response.schema).toBeDefined();
        expect({
          where,
          status,
          issues: response.schema?.safeParse(response.example).error?.issues,
        }).toEqual({
          where,
          status,
          issues: undefined,
        });
        checked.push(`${where} ${status}`);
      }
      const codes = errorCodesOf(doc);
      expect(errorBodySchema(codes).safeParse(errorExample(codes)).success).toBe(true);
    }
    expect(checked).toEqual(
      expect.arrayContaining(['POST /v1/attempts body', 'GET /v1/attempts 200']),
    );
  });
});
