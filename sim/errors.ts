/**
 * API errors as the API server reports them: a `Status` object with a reason and an HTTP code.
 * Every failure the simulated API answers with is built here, so their shapes stay those of
 * kube-apiserver (see k8s-reference/kube-apiserver-1.26/*-4xx-*.json).
 */

export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): StatusObject {
    // Key order follows kube-apiserver's output: details (when any) comes before code.
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `pods`, or `deployments.apps` for a named group, as kube-apiserver names resources in messages. */
export function qualifiedResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

function detailsFor(group: string, resource: string, name?: string): StatusDetails {
  const details: StatusDetails = {};
  if (name !== undefined) details.name = name;
  if (group) details.group = group;
  details.kind = resource;
  return details;
}

export function notFound(group: string, resource: string, name: string): ApiError {
  return new ApiError(
    404,
    'NotFound',
    `${qualifiedResource(group, resource)} "${name}" not found`,
    detailsFor(group, resource, name),
  );
}

export function alreadyExists(group: string, resource: string, name: string): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource(group, resource)} "${name}" already exists`,
    detailsFor(group, resource, name),
  );
}

export function conflict(group: string, resource: string, name: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(group, resource)} "${name}": ` +
      'the object has been modified; please apply your changes to the latest version and try again',
    detailsFor(group, resource, name),
  );
}

/** 422 with one cause per invalid field; `kind` is the object's Kind, as in pod-create-422-invalid.json. */
export function invalid(
  group: string,
  kind: string,
  name: string,
  causes: StatusCause[],
): ApiError {
  const summary = causes.map((c) => `${c.field}: ${c.message}`);
  const joined = summary.length === 1 ? summary[0] : `[${summary.join(', ')}]`;
  const details: StatusDetails = { name };
  if (group) details.group = group;
  details.kind = kind;
  details.causes = causes;
  return new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${joined}`, details);
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got ${contentType || 'none'})`,
  );
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function forbidden(opts: {
  user: string;
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}): ApiError {
  const where = opts.namespace ? ` in the namespace "${opts.namespace}"` : ' at the cluster scope';
  const qualified = qualifiedResource(opts.group, opts.resource);
  const namePart = opts.name ? ` "${opts.name}"` : '';
  const details: StatusDetails = {};
  if (opts.name) details.name = opts.name;
  if (opts.group) details.group = opts.group;
  details.kind = opts.resource;
  return new ApiError(
    403,
    'Forbidden',
    `${qualified}${namePart} is forbidden: User "${opts.user}" cannot ${opts.verb} resource "${opts.resource}" in API group "${opts.group}"${where}`,
    details,
  );
}

export function forbiddenPath(user: string, path: string): ApiError {
  return new ApiError(403, 'Forbidden', `forbidden: User "${user}" cannot get path "${path}"`, {});
}

export function notFoundPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}
