import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server for fake upstreams that can be closed (dropping every open stream) and
 * started again on the same port, like a real service restarting.
 */
export class RestartableServer {
  private server: Server | null = null;
  port = 0;

  constructor(private readonly handler: (req: IncomingMessage, res: ServerResponse) => void) {}

  async listen(port = this.port): Promise<void> {
    const server = createServer(this.handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}

export function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : null;
}

/**
 * The open streaming responses of a fake upstream: each gets a keep-alive while it is open, and
 * the fake can write to all of them or cut them all (a network drop).
 */
export class OpenStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly keepAlive: () => string,
    private readonly everyMs: number,
  ) {}

  add(res: ServerResponse): void {
    this.open.add(res);
    const timer =
      this.everyMs > 0 ? setInterval(() => res.write(this.keepAlive()), this.everyMs) : undefined;
    res.on('close', () => {
      clearInterval(timer);
      this.open.delete(res);
    });
  }

  write(text: string | Uint8Array): void {
    for (const res of this.open) res.write(text);
  }

  /** Cuts every stream; forgotten at once, so a write right after reaches only newer streams. */
  drop(): void {
    for (const res of this.open) res.socket?.destroy();
    this.open.clear();
  }

  /** Forgets them (the server is closing and will end them). */
  clear(): void {
    this.open.clear();
  }

  get size(): number {
    return this.open.size;
  }
}
