import { Agent, request } from 'node:http';
import type { PublishEvent } from '@herald/shared';

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/** POSTs a batch of events and resolves on 202; anything else is an error with the body. */
export function postEvents(url: string, token: string | undefined, events: PublishEvent[]) {
  const body = JSON.stringify(events);
  return new Promise<void>((resolve, reject) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode === 202) resolve();
        else reject(new Error(`publish ${res.statusCode}: ${Buffer.concat(chunks).toString()}`));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
