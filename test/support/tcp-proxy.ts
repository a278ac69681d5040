import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy a test controls, put between a process and PostgreSQL or Redis to cause real
 * outages without touching the shared servers:
 * - `cut()` drops every open connection and refuses new ones (the server went away);
 * - `hold()` keeps connections open but stops forwarding what clients send (the server hangs),
 *   so a request can be kept in flight for as long as the test wants;
 * - `restore()` goes back to forwarding, delivering anything held.
 */
export interface TcpProxy {
  /** The loopback port to connect to instead of the target's. */
  port: number;
  /** Rewrites a `scheme://host:port/...` URL so that it goes through the proxy. */
  urlFor(targetUrl: string): string;
  cut(): void;
  hold(): void;
  restore(): void;
  /** Client connections currently open through the proxy. */
  openConnections(): number;
  /** Bytes from clients waiting in a hold: more than zero means a request is stuck in it. */
  heldBytes(): number;
  close(): Promise<void>;
}

type Mode = 'forward' | 'cut' | 'hold';

interface Link {
  client: Socket;
  upstream: Socket;
  held: Buffer[];
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: Mode = 'forward';
  const links = new Set<Link>();

  const drop = (link: Link) => {
    links.delete(link);
    link.client.destroy();
    link.upstream.destroy();
  };

  const server: Server = createServer((client) => {
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    const link: Link = { client, upstream, held: [] };
    links.add(link);
    client.on('data', (chunk: Buffer) => {
      if (mode === 'hold') link.held.push(chunk);
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    for (const socket of [client, upstream]) {
      socket.on('error', () => drop(link));
      socket.on('close', () => drop(link));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };

  return {
    port,
    urlFor: (targetUrl) => {
      const url = new URL(targetUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    cut: () => {
      mode = 'cut';
      for (const link of [...links]) drop(link);
    },
    hold: () => {
      mode = 'hold';
    },
    restore: () => {
      mode = 'forward';
      for (const link of links) {
        for (const chunk of link.held.splice(0)) link.upstream.write(chunk);
      }
    },
    openConnections: () => links.size,
    heldBytes: () =>
      [...links].reduce(
        (sum, link) => sum + link.held.reduce((total, chunk) => total + chunk.length, 0),
        0,
      ),
    close: async () => {
      for (const link of [...links]) drop(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
