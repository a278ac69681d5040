import { z } from 'zod';
import { documented } from './route-doc.js';

/** The version of the API contract, as the OpenAPI document states it. */
export const apiVersion = '1.0.0';

export const openApiDoc = documented({
  summary: 'This OpenAPI 3.1 document',
  description: 'Generated from the routes the API serves and the zod schemas that validate them.',
  tag: 'Service',
  access: 'public',
  responses: {
    200: {
      description: 'The OpenAPI document.',
      schema: z
        .object({ openapi: z.string(), info: z.object({}).loose(), paths: z.object({}).loose() })
        .loose(),
    },
  },
});

const publicJwkSchema = z
  .object({ kty: z.string(), kid: z.string(), alg: z.string(), use: z.string() })
  .loose();

export const toolJwksDoc = documented({
  summary: "The LTI tool's public keys (JWKS)",
  description:
    "LMS platforms verify kubegrade's signed client assertions (LTI 1.3 Assignment and Grade " +
    "Services) with these keys; register this URL as the tool's JWKS URL.",
  tag: 'LTI',
  access: 'public',
  responses: {
    200: {
      description: 'A JSON Web Key Set.',
      schema: z.object({ keys: z.array(publicJwkSchema) }),
      example: {
        keys: [
          { kty: 'RSA', kid: 'tool-2026-11', alg: 'RS256', use: 'sig', n: '0vx7...', e: 'AQAB' },
        ],
      },
    },
  },
});
