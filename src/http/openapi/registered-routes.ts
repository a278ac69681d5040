import type { Express } from 'express';

/** One method of one route as Express will serve it, with the handlers it runs. */
export interface RegisteredRoute {
  method: string;
  /** OpenAPI form: `/v1/attempts/{id}`. */
  path: string;
  handlers: unknown[];
}

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean>; stack: Array<{ handle: unknown }> };
  handle?: { stack?: unknown };
}

/**
 * Every route registered in the app, found by walking Express's own router stacks (mounted
 * routers included), so that the OpenAPI document and its test see what Express really serves.
 * A mounted application that is not an Express router (the operator's queue dashboard, a
 * separate bull-board app) is middleware here, not a route of the API.
 */
export function listRegisteredRoutes(app: Express): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const root = (app as unknown as { router: { stack: Layer[] } }).router;
  walk(root.stack, '', routes);
  return routes;
}

function walk(stack: Layer[], prefix: string, routes: RegisteredRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const path = toOpenApiPath(joinPaths(prefix, String(layer.route.path)));
      for (const [method, registered] of Object.entries(layer.route.methods)) {
        if (!registered || method === '_all') continue;
        routes.push({ method, path, handlers: layer.route.stack.map((entry) => entry.handle) });
      }
    } else if (Array.isArray(layer.handle?.stack)) {
      const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
      walk(layer.handle.stack as Layer[], joinPaths(prefix, mount), routes);
    }
  }
}

function joinPaths(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/** `/attempts/:id` → `/attempts/{id}`. */
function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
