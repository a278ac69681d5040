/**
 * What the simulated containers wrote to stdout, kept per pod, container and restart, so that
 * `pods/log` can read it, tail it and follow it.
 */

export interface LogLine {
  time: Date;
  text: string;
}

interface LogStream {
  lines: LogLine[];
  listeners: Set<(line: LogLine) => void>;
  endListeners: Set<() => void>;
  ended: boolean;
}

function key(podUid: string, container: string, restart: number): string {
  return `${podUid}/${container}/${restart}`;
}

export class ContainerLogs {
  private readonly streams = new Map<string, LogStream>();

  private stream(podUid: string, container: string, restart: number): LogStream {
    const k = key(podUid, container, restart);
    let stream = this.streams.get(k);
    if (!stream) {
      stream = { lines: [], listeners: new Set(), endListeners: new Set(), ended: false };
      this.streams.set(k, stream);
    }
    return stream;
  }

  append(podUid: string, container: string, restart: number, text: string, time: Date): void {
    const stream = this.stream(podUid, container, restart);
    const line = { time, text };
    stream.lines.push(line);
    for (const listener of stream.listeners) listener(line);
  }

  read(podUid: string, container: string, restart: number): LogLine[] {
    return [...(this.streams.get(key(podUid, container, restart))?.lines ?? [])];
  }

  isEnded(podUid: string, container: string, restart: number): boolean {
    return this.streams.get(key(podUid, container, restart))?.ended ?? false;
  }

  /** Marks the container's output finished (it exited or its pod went away); followers stop. */
  end(podUid: string, container: string, restart: number): void {
    const stream = this.stream(podUid, container, restart);
    if (stream.ended) return;
    stream.ended = true;
    for (const listener of stream.endListeners) listener();
    stream.listeners.clear();
    stream.endListeners.clear();
  }

  follow(
    podUid: string,
    container: string,
    restart: number,
    onLine: (line: LogLine) => void,
    onEnd: () => void,
  ): () => void {
    const stream = this.stream(podUid, container, restart);
    if (stream.ended) {
      onEnd();
      return () => {};
    }
    stream.listeners.add(onLine);
    stream.endListeners.add(onEnd);
    return () => {
      stream.listeners.delete(onLine);
      stream.endListeners.delete(onEnd);
    };
  }

  /** Forgets a deleted pod's logs (ending any follower first). */
  drop(podUid: string): void {
    for (const [k, stream] of this.streams) {
      if (!k.startsWith(`${podUid}/`)) continue;
      if (!stream.ended) {
        stream.ended = true;
        for (const listener of stream.endListeners) listener();
      }
      this.streams.delete(k);
    }
  }
}
