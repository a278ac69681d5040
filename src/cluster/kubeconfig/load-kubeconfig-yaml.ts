import { load, YAMLException } from 'js-yaml';
import { rejectKubeconfig } from './kubeconfig-rejection.js';

export interface KubeconfigYamlLimits {
  /** UTF-8 bytes. Real kubeconfigs with a few inlined certificates are under 20 KiB. */
  maxBytes: number;
  /** Nesting of mappings and sequences; a kubeconfig needs about 8. */
  maxDepth: number;
  /** `*alias` nodes; kubeconfigs written by tools use none. */
  maxAliases: number;
}

export const defaultKubeconfigYamlLimits: KubeconfigYamlLimits = {
  maxBytes: 64 * 1024,
  maxDepth: 20,
  maxAliases: 10,
};

/**
 * js-yaml's messages quote the source around a mistake, which may be a token or a key, so only
 * these generic phrases (never the message) are passed on, with the line and column.
 */
const safeYamlProblems = [
  'duplicated mapping key',
  'expected a single document',
  'expected a document',
  'bad indentation',
  'deficient indentation',
  'unknown tag',
  'unknown scalar tag',
  'unknown mapping tag',
  'unknown sequence tag',
  'end of the stream or a document separator is expected',
  'unexpected end of the stream',
  'incomplete explicit mapping pair',
  'can not read a block mapping entry',
  'can not read an implicit mapping pair',
];

/**
 * Safe load of the learner's text: plain YAML 1.2 core types (no custom tags, nothing that
 * builds functions or objects), one document, bounded in size, depth and aliases.
 */
export function loadKubeconfigYaml(
  text: string,
  limits: KubeconfigYamlLimits = defaultKubeconfigYamlLimits,
): unknown {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    throw rejectKubeconfig(
      'TOO_LARGE',
      `The kubeconfig is ${bytes} bytes; the limit is ${limits.maxBytes}.`,
      { bytes, maxBytes: limits.maxBytes },
    );
  }
  try {
    return load(text, { maxDepth: limits.maxDepth, maxAliases: limits.maxAliases });
  } catch (error) {
    throw yamlRejection(error, limits);
  }
}

function yamlRejection(error: unknown, limits: KubeconfigYamlLimits): Error {
  if (!(error instanceof YAMLException)) {
    return rejectKubeconfig('INVALID_YAML', 'The kubeconfig could not be read as YAML.');
  }
  if (error.reason.startsWith('nesting exceeded maxDepth')) {
    return rejectKubeconfig(
      'TOO_COMPLEX',
      `The kubeconfig nests deeper than ${limits.maxDepth} levels.`,
      { maxDepth: limits.maxDepth },
    );
  }
  if (error.reason.startsWith('aliases exceeded maxAliases')) {
    return rejectKubeconfig(
      'TOO_COMPLEX',
      `The kubeconfig uses more than ${limits.maxAliases} aliases (*name).`,
      { maxAliases: limits.maxAliases },
    );
  }
  const problem = safeYamlProblems.find((phrase) => error.reason.startsWith(phrase));
  const position =
    error.mark === undefined ? {} : { line: error.mark.line + 1, column: error.mark.column + 1 };
  const where =
    error.mark === undefined ? '' : ` at line ${position.line}, column ${position.column}`;
  return rejectKubeconfig(
    'INVALID_YAML',
    `The kubeconfig is not valid YAML${where}${problem === undefined ? '' : `: ${problem}`}.`,
    { ...position, ...(problem === undefined ? {} : { problem }) },
  );
}
