/**
 * Bounds on a submitted manifest. A real Pod manifest is a few hundred bytes with no anchors;
 * these leave plenty of room for honest work while keeping parsing fast on hostile input.
 */
export interface ManifestLimits {
  /** Size of the text in UTF-8 bytes. */
  maxBytes: number;
  /** Documents separated by `---`, empty ones included. */
  maxDocuments: number;
  /** Nesting of mappings and sequences, the top-level mapping counting as 1. */
  maxDepth: number;
  /** `*alias` nodes in the whole text. */
  maxAliases: number;
  /** Nodes once every alias is expanded: what a consumer walking the result would visit. */
  maxNodes: number;
}

export const defaultManifestLimits: ManifestLimits = {
  maxBytes: 64 * 1024,
  maxDocuments: 20,
  maxDepth: 50,
  maxAliases: 100,
  maxNodes: 20_000,
};
