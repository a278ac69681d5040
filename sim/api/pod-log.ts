/**
 * `GET pods/<name>/log`: plain text from the simulated container's output, with `container`,
 * `tailLines`, `limitBytes`, `timestamps`, `previous` and `follow`, and the 400s the real
 * kubelet gives for a container that has not started (pod-log-400-waiting.json).
 */
import type { ServerResponse } from 'node:http';
import { ApiError, badRequest } from '../errors.js';
import type { ContainerLogs, LogLine } from '../controllers/container-logs.js';
import type { Pod } from '../types.js';

export interface PodLogRequest {
  pod: Pod;
  query: URLSearchParams;
}

function containerNames(pod: Pod): string[] {
  return (pod.spec.containers ?? []).map((c) => c.name ?? '');
}

function waitingMessage(reason: string): string {
  if (reason === 'ErrImagePull' || reason === 'ImagePullBackOff' || reason === 'InvalidImageName') {
    return "image can't be pulled";
  }
  return reason;
}

function nanoTimestamp(time: Date): string {
  return time.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

function integerParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw badRequest(`${name}: Invalid value: "${raw}": must be a non-negative integer`);
  return value;
}

/** Resolves the container and restart to read; throws the kubelet's 400s. */
function pickContainer(pod: Pod, query: URLSearchParams): { container: string; restart: number } {
  const name = pod.metadata.name ?? '';
  const names = containerNames(pod);
  let container = query.get('container') ?? '';
  if (!container) {
    if (names.length !== 1) {
      throw badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`,
      );
    }
    container = names[0] ?? '';
  }
  if (!names.includes(container))
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  if (!pod.spec.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  const status = (pod.status.containerStatuses ?? []).find((s) => s.name === container);
  const previous = query.get('previous') === 'true';
  if (previous) {
    if (!status || status.restartCount === 0) {
      throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    }
    return { container, restart: status.restartCount - 1 };
  }
  const waiting = status?.state.waiting;
  if (!status || (waiting && !status.lastState.terminated)) {
    const reason = waiting?.reason ?? 'ContainerCreating';
    throw new ApiError(
      400,
      'BadRequest',
      `container "${container}" in pod "${name}" is waiting to start: ${waitingMessage(reason)}`,
    );
  }
  return { container, restart: waiting ? status.restartCount - 1 : status.restartCount };
}

export function servePodLog(
  logs: ContainerLogs,
  request: PodLogRequest,
  res: ServerResponse,
  track: (close: () => void) => () => void,
): void {
  const { pod, query } = request;
  const { container, restart } = pickContainer(pod, query);
  const tailLines = integerParam(query, 'tailLines');
  const limitBytes = integerParam(query, 'limitBytes');
  const sinceSeconds = integerParam(query, 'sinceSeconds');
  const timestamps = query.get('timestamps') === 'true';
  const follow = query.get('follow') === 'true' && query.get('previous') !== 'true';
  const uid = pod.metadata.uid ?? '';

  let lines = logs.read(uid, container, restart);
  if (sinceSeconds !== undefined && lines.length > 0) {
    const last = lines[lines.length - 1]?.time.getTime() ?? 0;
    lines = lines.filter((l) => l.time.getTime() >= last - sinceSeconds * 1000);
  }
  if (tailLines !== undefined) lines = tailLines === 0 ? [] : lines.slice(-tailLines);
  const format = (line: LogLine): string =>
    `${timestamps ? `${nanoTimestamp(line.time)} ` : ''}${line.text}\n`;

  res.writeHead(200, {
    'Content-Type': 'text/plain',
    'Cache-Control': 'no-cache, private',
    ...(follow ? { 'Transfer-Encoding': 'chunked' } : {}),
  });
  let written = 0;
  let closed = false;
  const write = (text: string): boolean => {
    if (limitBytes !== undefined) {
      const room = limitBytes - written;
      if (room <= 0) return false;
      const chunk = Buffer.from(text).subarray(0, room);
      written += chunk.length;
      res.write(chunk);
      return written < limitBytes;
    }
    res.write(text);
    return true;
  };
  for (const line of lines) if (!write(format(line))) break;
  if (!follow || (limitBytes !== undefined && written >= limitBytes)) {
    res.end();
    return;
  }
  let stopFollowing = (): void => {};
  let untrack = (): void => {};
  const finish = (): void => {
    if (closed) return;
    closed = true;
    stopFollowing();
    untrack();
    if (!res.writableEnded) res.end();
  };
  stopFollowing = logs.follow(
    uid,
    container,
    restart,
    (line) => {
      if (!write(format(line))) finish();
    },
    finish,
  );
  untrack = track(finish);
  res.on('close', finish);
}
