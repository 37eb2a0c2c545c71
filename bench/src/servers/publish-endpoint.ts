import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { PublishEvent } from '@herald/shared';

/**
 * The peers' publish path: `POST /publish` with a JSON array of events → 202, like Herald's
 * `POST /v1/events` minus auth and durability, so every server is fed the same way.
 */
export function publishServer(onEvents: (events: PublishEvent[]) => number[]): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== '/publish') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let events: PublishEvent[];
      try {
        events = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PublishEvent[];
      } catch {
        res.writeHead(400).end();
        return;
      }
      const seqs = onEvents(events);
      const body = JSON.stringify({
        results: events.map((e, i) => ({ id: e.id, seq: seqs[i], duplicate: false })),
      });
      res.writeHead(202, { 'content-type': 'application/json' }).end(body);
    });
  });
}

/** Listen on a random loopback port and tell the parent which. */
export function listenAndReport(server: Server): void {
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    process.send?.({ ready: true, port });
  });
  process.on('disconnect', () => process.exit(0));
  // An orderly exit on stop, so a --cpu-prof profile is written (SIGTERM's default skips it).
  process.on('SIGTERM', () => process.exit(0));
}
