import { EVENT_ID, type Event } from 'js-yaml';

export interface YamlSize {
  documents: number;
  aliases: number;
  /** Aliases inside the node they point to: js-yaml builds a cycle, which no JSON can hold. */
  recursiveAliases: number;
  /**
   * Nodes counted as if every alias were replaced by a copy of its anchored node. js-yaml shares
   * one object per anchor, so a "billion laughs" text is cheap to parse, but anything that walks
   * or serialises the result (matching, JSON evidence) would visit every copy.
   */
  expandedNodes: number;
}

interface Frame {
  anchor: string | undefined;
  nodes: number;
}

/** Counts from parser events alone, without building the documents. */
export function measureYamlSize(text: string, events: readonly Event[]): YamlSize {
  const nodesByAnchor = new Map<string, number>();
  const stack: Frame[] = [];
  let documents = 0;
  let aliases = 0;
  let recursiveAliases = 0;
  let expandedNodes = 0;

  const addToParent = (nodes: number): void => {
    const parent = stack[stack.length - 1];
    if (parent) parent.nodes += nodes;
    else expandedNodes += nodes;
  };
  const anchorOf = (start: number, end: number): string | undefined =>
    start >= 0 ? text.slice(start, end) : undefined;

  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        documents += 1;
        stack.push({ anchor: undefined, nodes: 0 });
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE:
        stack.push({ anchor: anchorOf(event.anchorStart, event.anchorEnd), nodes: 1 });
        break;
      case EVENT_ID.SCALAR: {
        const anchor = anchorOf(event.anchorStart, event.anchorEnd);
        if (anchor !== undefined) nodesByAnchor.set(anchor, 1);
        addToParent(1);
        break;
      }
      case EVENT_ID.ALIAS: {
        aliases += 1;
        const anchor = text.slice(event.anchorStart, event.anchorEnd);
        if (stack.some((frame) => frame.anchor === anchor)) recursiveAliases += 1;
        addToParent(nodesByAnchor.get(anchor) ?? 1);
        break;
      }
      case EVENT_ID.POP: {
        const closed = stack.pop();
        if (closed === undefined) break;
        if (closed.anchor !== undefined) nodesByAnchor.set(closed.anchor, closed.nodes);
        addToParent(closed.nodes);
        break;
      }
    }
  }
  return { documents, aliases, recursiveAliases, expandedNodes };
}
