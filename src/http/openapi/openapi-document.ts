import type { Express } from 'express';
import { errorCodes, type ErrorCode } from '../../errors/app-error.js';
import { httpStatusByCode } from '../error-catalogue.js';
import { errorBodySchema } from './error-body.js';
import { jsonSchemaOf } from './json-schema.js';
import { listRegisteredRoutes, type RegisteredRoute } from './registered-routes.js';
import { docOfHandler, type RouteDoc } from './route-doc.js';

/** A registered route and the documentation it was registered with (if any). */
export interface DocumentedRoute extends RegisteredRoute {
  doc: RouteDoc | undefined;
}

export function listDocumentedRoutes(app: Express): DocumentedRoute[] {
  return listRegisteredRoutes(app).map((route) => ({
    ...route,
    doc: route.handlers.map(docOfHandler).find((doc) => doc !== undefined),
  }));
}

const bodyErrors: ErrorCode[] = [
  'VALIDATION_FAILED',
  'BODY_NOT_JSON',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INPUT_INVALID_TEXT',
];

/** The codes a route can answer: its own, and those of its kind of access and input. */
export function errorCodesOf(doc: RouteDoc): ErrorCode[] {
  const codes = new Set<ErrorCode>(doc.errors ?? []);
  if (typeof doc.access === 'object' || doc.access === 'api-key') {
    ['UNAUTHENTICATED', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE'].forEach((code) =>
      codes.add(code as ErrorCode),
    );
  }
  if (typeof doc.access === 'object') codes.add('FORBIDDEN_SCOPE');
  if (doc.access === 'admin-token') codes.add('UNAUTHENTICATED');
  if (doc.access === 'signed-link') codes.add('LINK_INVALID');
  if (doc.body) bodyErrors.forEach((code) => codes.add(code));
  codes.add('INTERNAL');
  // In the catalogue's order, so the document is stable.
  return errorCodes.filter((code) => codes.has(code));
}

/** The example error body of a status: the first of its codes. */
export function errorExample(codes: ErrorCode[]) {
  return {
    error: { code: codes[0], message: `A ${codes[0]} error, described for people.`, details: {} },
  };
}

/**
 * The OpenAPI 3.1 document of everything the app serves, built from the routes Express has
 * and the zod schemas they validate with. Routes registered without `documented` are left out
 * (the contract test fails on them).
 */
export function buildOpenApiDocument(app: Express, info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of listDocumentedRoutes(app)) {
    if (!route.doc) continue;
    (paths[route.path] ??= {})[route.method] = operationOf(route, route.doc);
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'kubegrade API',
      version: info.version,
      description:
        'Grading service for hands-on Kubernetes lessons. Every /v1 route takes an API key as ' +
        '`Authorization: Bearer <key>`; errors are `{ error: { code, message, details } }` with ' +
        'a stable code.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (`kg_...`) made with `kubegrade admin key create`.',
        },
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The operator token (ADMIN_TOKEN).',
        },
      },
    },
    paths,
  };
}

function operationOf(route: RegisteredRoute, doc: RouteDoc): Record<string, unknown> {
  const pathParams = [...route.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
    ...(doc.params?.[name!] ? { description: doc.params[name!] } : {}),
  }));
  const queryParams = Object.entries(doc.query?.shape ?? {}).map(([name, schema]) => {
    const json = jsonSchemaOf(schema, 'input');
    return {
      name,
      in: 'query',
      required: !schema.safeParse(undefined).success,
      schema: json,
      ...(typeof json.description === 'string' ? { description: json.description } : {}),
      ...(doc.queryExample?.[name] === undefined ? {} : { example: doc.queryExample[name] }),
    };
  });
  const headerParams = Object.entries(doc.headers ?? {}).map(([name, description]) => ({
    name,
    in: 'header',
    required: false,
    schema: { type: 'string' },
    description,
  }));
  const security =
    typeof doc.access === 'object' || doc.access === 'api-key'
      ? [{ apiKey: [] }]
      : doc.access === 'admin-token'
        ? [{ adminToken: [] }]
        : [];
  return {
    operationId: operationIdOf(route),
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: [doc.tag],
    security,
    ...(typeof doc.access === 'object' ? { 'x-required-scope': doc.access.scope } : {}),
    parameters: [...pathParams, ...queryParams, ...headerParams],
    ...(doc.body
      ? {
          requestBody: {
            required: doc.bodyOptional !== true,
            content: {
              'application/json': {
                schema: jsonSchemaOf(doc.body, 'input'),
                ...(doc.bodyExample === undefined ? {} : { example: doc.bodyExample }),
              },
            },
          },
        }
      : {}),
    responses: { ...successResponses(doc), ...errorResponses(doc) },
  };
}

function successResponses(doc: RouteDoc): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(doc.responses).map(([status, response]) => {
      if (!response.schema && !response.contentType) {
        return [status, { description: response.description }];
      }
      const media = {
        ...(response.schema ? { schema: jsonSchemaOf(response.schema, 'output') } : {}),
        ...(response.example === undefined ? {} : { example: response.example }),
      };
      return [
        status,
        {
          description: response.description,
          content: { [response.contentType ?? 'application/json']: media },
        },
      ];
    }),
  );
}

function errorResponses(doc: RouteDoc): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(doc)) {
    const status = httpStatusByCode[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      String(status),
      {
        description: codes.join(', '),
        ...(status === 429 || status === 503
          ? {
              headers: {
                'Retry-After': {
                  description: 'Seconds to wait before trying again.',
                  schema: { type: 'integer' },
                },
              },
            }
          : {}),
        content: {
          'application/json': {
            schema: jsonSchemaOf(errorBodySchema(codes), 'output'),
            example: errorExample(codes),
          },
        },
      },
    ]),
  );
}

function operationIdOf(route: RegisteredRoute): string {
  const words = route.path
    .split(/[/{}.-]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1));
  return `${route.method}${words.join('')}`;
}
