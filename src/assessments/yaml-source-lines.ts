import { EVENT_ID, getScalarValue, type Event } from 'js-yaml';

/**
 * Finds the line of a value in YAML text by its path (`checks[3].points`), so validation errors
 * can point authors at the right line. js-yaml's parser events carry source offsets; we replay
 * them, tracking the path of every node. Only the first document is mapped.
 */
export interface YamlSourceLines {
  /** 1-based line of the path's key (or of the list item); a missing path falls back to its nearest ancestor. */
  lineOf(path: readonly PropertyKey[]): number;
}

type Frame =
  | { type: 'document' }
  | {
      type: 'mapping';
      path: PathSegment[];
      awaitingKey: boolean;
      key: PathSegment | undefined;
      keyOffset: number;
    }
  | { type: 'sequence'; path: PathSegment[]; nextIndex: number }
  // A mapping or sequence used as a mapping key: nothing inside it is addressable by path.
  | { type: 'ignored' };

type PathSegment = string | number;

export function mapYamlSourceLines(text: string, events: readonly Event[]): YamlSourceLines {
  const offsetsByPath = new Map<string, number>();
  const stack: Frame[] = [];
  let documentsSeen = 0;

  for (const event of events) {
    if (event.type === EVENT_ID.DOCUMENT) {
      documentsSeen += 1;
      stack.push({ type: 'document' });
      continue;
    }
    if (event.type === EVENT_ID.POP) {
      stack.pop();
      continue;
    }
    if (documentsSeen > 1) {
      if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE)
        stack.push({ type: 'ignored' });
      continue;
    }

    const nodeOffset =
      event.type === EVENT_ID.SCALAR
        ? event.valueStart
        : event.type === EVENT_ID.ALIAS
          ? event.anchorStart
          : event.start;
    const parent = stack[stack.length - 1];
    let nodePath: PathSegment[] | undefined;

    if (parent === undefined || parent.type === 'document') {
      nodePath = [];
      offsetsByPath.set(pathKey(nodePath), nodeOffset);
    } else if (parent.type === 'mapping' && parent.awaitingKey) {
      parent.awaitingKey = false;
      parent.key = event.type === EVENT_ID.SCALAR ? getScalarValue(text, event) : undefined;
      parent.keyOffset = nodeOffset;
      if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE)
        stack.push({ type: 'ignored' });
      continue;
    } else if (parent.type === 'mapping') {
      parent.awaitingKey = true;
      if (parent.key !== undefined) {
        nodePath = [...parent.path, parent.key];
        // The key's line reads better than the value's: a nested block starts on the next line.
        offsetsByPath.set(pathKey(nodePath), parent.keyOffset);
      }
    } else if (parent.type === 'sequence') {
      nodePath = [...parent.path, parent.nextIndex];
      parent.nextIndex += 1;
      offsetsByPath.set(pathKey(nodePath), nodeOffset);
    }

    if (event.type === EVENT_ID.MAPPING) {
      stack.push(
        nodePath
          ? { type: 'mapping', path: nodePath, awaitingKey: true, key: undefined, keyOffset: -1 }
          : { type: 'ignored' },
      );
    } else if (event.type === EVENT_ID.SEQUENCE) {
      stack.push(
        nodePath ? { type: 'sequence', path: nodePath, nextIndex: 0 } : { type: 'ignored' },
      );
    }
  }

  const lineStarts = findLineStarts(text);
  return {
    lineOf(path) {
      const segments = path.map((segment) =>
        typeof segment === 'number' ? segment : String(segment),
      );
      for (let length = segments.length; length >= 0; length -= 1) {
        const offset = offsetsByPath.get(pathKey(segments.slice(0, length)));
        if (offset !== undefined && offset >= 0) return lineAt(lineStarts, offset);
      }
      return 1;
    },
  };
}

function pathKey(path: readonly PathSegment[]): string {
  return JSON.stringify(path);
}

function findLineStarts(text: string): number[] {
  const starts = [0];
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === '\n') starts.push(index + 1);
  }
  return starts;
}

/** Binary search for the last line starting at or before the offset. */
function lineAt(lineStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if ((lineStarts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}
