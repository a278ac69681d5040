/**
 * How a simulated container behaves once started: the lines it prints, whether and when it
 * exits, and whether SIGTERM stops it (nginx does; a shell running `sleep` as PID 1 does not,
 * so its pod waits out the grace period, as on a real node).
 */
import type { Container } from '../types.js';
import type { ImageBehaviour, ParsedImage } from './image-catalogue.js';

export interface ContainerBehaviour {
  /** Lines printed right after start; `at` turns into nginx's own timestamp format. */
  startupLines(at: Date): string[];
  /** Simulated ms until the process exits by itself; undefined = runs until stopped. */
  exitsAfterMs?: number;
  exitCode: number;
  stopsOnSigterm: boolean;
}

function nginxVersion(tag: string | undefined): string {
  if (tag && /^\d+\.\d+\.\d+/.test(tag)) return tag.replace(/^(\d+\.\d+\.\d+).*/, '$1');
  if (tag && /^\d+\.\d+$/.test(tag)) return `${tag}.0`;
  return '1.29.0';
}

function nginxTime(at: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;
}

function nginxBehaviour(image: ParsedImage): ContainerBehaviour {
  const version = nginxVersion(image.tag);
  return {
    exitCode: 0,
    stopsOnSigterm: true,
    startupLines(at) {
      const t = nginxTime(at);
      return [
        '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
        '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
        '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
        '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
        '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
        '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
        '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
        '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
        '/docker-entrypoint.sh: Configuration complete; ready for start up',
        `${t} [notice] 1#1: using the "epoll" event method`,
        `${t} [notice] 1#1: nginx/${version}`,
        `${t} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14+deb12u1) `,
        `${t} [notice] 1#1: OS: Linux 6.8.0-kubegrade-sim`,
        `${t} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576`,
        `${t} [notice] 1#1: start worker processes`,
        `${t} [notice] 1#1: start worker process 29`,
        `${t} [notice] 1#1: start worker process 30`,
      ];
    },
  };
}

function unquote(text: string): string {
  return text.trim().replace(/^(['"])(.*)\1$/, '$2');
}

/** A small reading of `sh -c` scripts: `echo` prints, `sleep N` waits, `exit N` exits. */
function shellBehaviour(container: Container): ContainerBehaviour {
  const words = [...(container.command ?? []), ...(container.args ?? [])];
  const script =
    words[0] === 'sh' || words[0] === '/bin/sh'
      ? words.slice(words[1] === '-c' ? 2 : 1).join(' ')
      : words.join(' ');
  const lines: string[] = [];
  let runMs: number | undefined = 0;
  let exitCode = 0;
  for (const statement of script
    .split(/;|&&|\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)) {
    const echo = /^echo\s+(.*)$/.exec(statement);
    const sleep = /^sleep\s+(\S+)$/.exec(statement);
    const exit = /^exit\s+(\d+)$/.exec(statement);
    if (echo) lines.push(unquote(echo[1] ?? ''));
    else if (sleep) {
      const seconds = Number(sleep[1]);
      if (sleep[1] === 'infinity' || !Number.isFinite(seconds)) runMs = undefined;
      else if (runMs !== undefined) runMs += seconds * 1000;
    } else if (exit) {
      exitCode = Number(exit[1]);
      break;
    } else if (/^while\s+true|^tail\s+-f/.test(statement)) {
      runMs = undefined;
    }
  }
  return {
    exitCode,
    stopsOnSigterm: false,
    startupLines: () => lines,
    ...(runMs !== undefined ? { exitsAfterMs: runMs } : {}),
  };
}

export function behaviourFor(
  kind: ImageBehaviour,
  image: ParsedImage,
  container: Container,
): ContainerBehaviour {
  if (kind === 'nginx') return nginxBehaviour(image);
  if (kind === 'busybox') return shellBehaviour(container);
  return { exitCode: 0, stopsOnSigterm: true, startupLines: () => [] };
}
