import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { ErrorCode } from '../../errors/app-error.js';
import type { ApiScope } from '../../tenants/scopes.js';
import { checkScope } from '../authentication.js';

/** One documented answer of a route. */
export interface ResponseDoc {
  description: string;
  /** The body's schema; none for an empty body (204) or a non-JSON one without a schema. */
  schema?: z.ZodType;
  /** Validated against `schema` by the contract test. */
  example?: unknown;
  /** `application/json` unless said otherwise. */
  contentType?: string;
}

/**
 * What the OpenAPI document says about one route. It is given where the route is registered
 * (`router.get(path, documented({...}), handler)`), so a route and its documentation cannot
 * drift apart: the document is built by walking the app's routes and reading these.
 */
export interface RouteDoc {
  summary: string;
  description?: string;
  tag: string;
  /**
   * Who may call it: an API key with this scope (checked by `documented` itself, so the
   * documented scope is the enforced one), any valid API key, the operator's admin token, a
   * signed link, or anyone.
   */
  access: { scope: ApiScope } | 'api-key' | 'public' | 'admin-token' | 'signed-link';
  /** Descriptions of the path parameters (every `:name` of the path is documented). */
  params?: Record<string, string>;
  query?: z.ZodObject;
  queryExample?: Record<string, string>;
  body?: z.ZodType;
  /** The body may be left out (every field has a default). */
  bodyOptional?: boolean;
  bodyExample?: unknown;
  /** Request headers the route reads, with what they mean. */
  headers?: Record<string, string>;
  responses: Record<number, ResponseDoc>;
  /** Error codes this route answers beyond those every route of its kind can (auth, limits...). */
  errors?: ErrorCode[];
}

const docsByHandler = new WeakMap<object, RouteDoc>();

/**
 * The first handler of a documented route: it enforces the documented scope, names the route for
 * the request log, and carries the documentation for the OpenAPI document.
 */
/** A handler that fits any route's parameters, so the route's own handlers keep their types. */
export type DocumentedHandler = <Params>(
  req: Request<Params>,
  res: Response,
  next: NextFunction,
) => void;

export function documented(doc: RouteDoc): DocumentedHandler {
  const { access } = doc;
  const handler: RequestHandler = (req, res, next) => {
    res.locals.route = `${req.baseUrl}${(req.route as { path?: string } | undefined)?.path ?? ''}`;
    if (typeof access === 'object') checkScope(res, access.scope);
    next();
  };
  docsByHandler.set(handler, doc);
  return handler as DocumentedHandler;
}

/** The documentation a route's handler carries, if it is one made by `documented`. */
export function docOfHandler(handler: unknown): RouteDoc | undefined {
  return typeof handler === 'function' ? docsByHandler.get(handler) : undefined;
}
