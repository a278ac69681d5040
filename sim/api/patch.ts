/**
 * The three patch formats of the Kubernetes API:
 * - JSON merge patch (RFC 7386): maps merge, `null` deletes, lists are replaced;
 * - strategic merge patch: like merge patch, but lists with a merge key (containers by `name`,
 *   ports by `containerPort`, ...) merge item by item, and `$patch`/`$setElementOrder`
 *   directives are understood (the common cases kubectl sends);
 * - JSON patch (RFC 6902): add, remove, replace, move, copy, test.
 */
import { ApiError, badRequest } from '../errors.js';
import { cloneJson, isRecord } from '../types.js';

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

const CONTENT_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const base = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return CONTENT_TYPES[base];
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return cloneJson(patch);
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** Merge keys of the strategic-merge schema for the fields the simulated resources carry. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  containerStatuses: 'name',
  initContainerStatuses: 'name',
  addresses: 'type',
  taints: 'key',
};

/** Lists of scalars merged as sets (`patchStrategy: merge` on a primitive list). */
const SET_LISTS = new Set(['finalizers']);

function mergeKeyedList(
  key: string,
  target: unknown[],
  patch: unknown[],
  order: unknown,
): unknown[] {
  let result = target.map((item) => cloneJson(item));
  for (const item of patch) {
    if (!isRecord(item)) continue;
    const directive = item.$patch;
    if (directive === 'replace') return patch.filter((p) => isRecord(p) && p.$patch !== 'replace');
    const id = item[key];
    const index = result.findIndex((existing) => isRecord(existing) && existing[key] === id);
    if (directive === 'delete') {
      if (index !== -1) result.splice(index, 1);
      continue;
    }
    if (index === -1) result.push(strategicMerge({}, item));
    else result[index] = strategicMerge(result[index], item);
  }
  if (Array.isArray(order)) {
    // `$setElementOrder/<field>` gives the order of the merged list (kubectl apply sends it).
    const position = (item: unknown): number => {
      const at = order.findIndex((o) => isRecord(o) && isRecord(item) && o[key] === item[key]);
      return at === -1 ? Number.MAX_SAFE_INTEGER : at;
    };
    result = result
      .map((item, i) => ({ item, i }))
      .sort((a, b) => position(a.item) - position(b.item) || a.i - b.i)
      .map(({ item }) => item);
  }
  return result;
}

export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return cloneJson(patch);
  if (patch.$patch === 'replace') {
    const copy = { ...patch };
    delete copy.$patch;
    return stripDirectives(copy);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/') || key === '$retainKeys' || key === '$patch') continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const list = key.slice('$deleteFromPrimitiveList/'.length);
      const current = out[list];
      if (Array.isArray(current) && Array.isArray(value))
        out[list] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const mergeKey = MERGE_KEYS[key];
    const current = out[key];
    if (Array.isArray(value) && mergeKey && (Array.isArray(current) || current === undefined)) {
      out[key] = mergeKeyedList(
        mergeKey,
        Array.isArray(current) ? current : [],
        value,
        patch[`$setElementOrder/${key}`],
      );
    } else if (Array.isArray(value) && SET_LISTS.has(key) && Array.isArray(current)) {
      out[key] = [...current, ...value.filter((v) => !current.includes(v))];
    } else if (isRecord(value)) {
      const merged = strategicMerge(current, value);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else {
      out[key] = stripDirectives(cloneJson(value));
    }
  }
  return out;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith('$')) continue;
    out[key] = stripDirectives(inner);
  }
  return out;
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function pointerTokens(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/'))
    throw badRequest(
      `the server rejected our request due to an error in our request: invalid JSON pointer ${JSON.stringify(path)}`,
    );
  return path.slice(1).split('/').map(unescapePointer);
}

function getAt(doc: unknown, tokens: string[]): unknown {
  let current = doc;
  for (const token of tokens) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isRecord(current)) current = current[token];
    else return undefined;
  }
  return current;
}

function patchFailure(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

function containerAt(
  doc: unknown,
  tokens: string[],
  op: string,
  path: string,
): { parent: unknown; last: string } {
  const parent = getAt(doc, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1];
  if (last === undefined || (!isRecord(parent) && !Array.isArray(parent))) {
    throw patchFailure(
      `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "${path}": missing value`,
    );
  }
  return { parent, last };
}

function addAt(doc: unknown, path: string, value: unknown): unknown {
  const tokens = pointerTokens(path);
  if (tokens.length === 0) return cloneJson(value);
  const { parent, last } = containerAt(doc, tokens, 'add', path);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) {
      throw patchFailure(
        `the server rejected our request due to an error in our request: add operation does not apply: index out of bounds: ${last}`,
      );
    }
    parent.splice(index, 0, cloneJson(value));
  } else {
    (parent as Record<string, unknown>)[last] = cloneJson(value);
  }
  return doc;
}

function removeAt(doc: unknown, path: string): unknown {
  const tokens = pointerTokens(path);
  const { parent, last } = containerAt(doc, tokens, 'remove', path);
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length) {
      throw patchFailure(
        `the server rejected our request due to an error in our request: remove operation does not apply: doc is missing path: "${path}": missing value`,
      );
    }
    parent.splice(index, 1);
  } else {
    const record = parent as Record<string, unknown>;
    if (!(last in record)) {
      throw patchFailure(
        `the server rejected our request due to an error in our request: remove operation does not apply: doc is missing path: "${path}": missing value`,
      );
    }
    delete record[last];
  }
  return doc;
}

export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations))
    throw badRequest(
      'the server rejected our request due to an error in our request: json patch must be a list of operations',
    );
  let doc = cloneJson(target);
  for (const raw of operations) {
    if (!isRecord(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest(
        'the server rejected our request due to an error in our request: invalid json patch operation',
      );
    }
    const { op, path } = raw;
    switch (op) {
      case 'add':
        doc = addAt(doc, path, raw.value);
        break;
      case 'remove':
        doc = removeAt(doc, path);
        break;
      case 'replace':
        if (getAt(doc, pointerTokens(path)) === undefined) {
          throw patchFailure(
            `the server rejected our request due to an error in our request: replace operation does not apply: doc is missing key: ${path}: missing value`,
          );
        }
        doc = removeAt(doc, path);
        doc = addAt(doc, path, raw.value);
        break;
      case 'move':
      case 'copy': {
        const from = typeof raw.from === 'string' ? raw.from : '';
        const value = getAt(doc, pointerTokens(from));
        if (value === undefined)
          throw patchFailure(
            `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing from path: ${from}: missing value`,
          );
        if (op === 'move') doc = removeAt(doc, from);
        doc = addAt(doc, path, value);
        break;
      }
      case 'test':
        if (JSON.stringify(getAt(doc, pointerTokens(path))) !== JSON.stringify(raw.value)) {
          throw patchFailure(
            `the server rejected our request due to an error in our request: testing value ${path} failed: test failed`,
          );
        }
        break;
      default:
        throw badRequest(
          `the server rejected our request due to an error in our request: Unexpected kind: ${op}`,
        );
    }
  }
  return doc;
}

/** Applies a patch of the given type to a copy of `target`. */
export function applyPatch(type: PatchType, target: unknown, patch: unknown): unknown {
  if (type === 'json') return jsonPatch(target, patch);
  if (!isRecord(patch))
    throw badRequest(
      'the server rejected our request due to an error in our request: patch must be a JSON object',
    );
  if (type === 'merge') return mergePatch(target, patch);
  return strategicMerge(target, patch);
}
