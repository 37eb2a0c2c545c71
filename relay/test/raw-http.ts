import { connect } from 'node:net';

export interface RawAnswer {
  /** Everything the relay wrote before it closed the socket. */
  text: string;
  status: number | undefined;
  /** The JSON body, when there was one. */
  body: unknown;
}

/**
 * Writes bytes no well-behaved client would send (a bad request line, 20 KiB of headers, a
 * half-sent body) and reads what comes back until the relay closes the socket.
 */
export function rawRequest(
  port: number,
  parts: (string | Buffer)[],
  between?: (i: number) => Promise<void>,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {}); // a reset is an answer too: judged by what arrived
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      const bodyText = text.split('\r\n\r\n').slice(1).join('\r\n\r\n');
      let body: unknown;
      try {
        body = bodyText ? JSON.parse(bodyText) : undefined;
      } catch {
        body = undefined;
      }
      resolve({ text, status: status ? Number(status) : undefined, body });
    });
    socket.once('connect', async () => {
      try {
        for (let i = 0; i < parts.length; i++) {
          socket.write(parts[i]!);
          if (between && i < parts.length - 1) await between(i);
        }
      } catch (err) {
        socket.destroy();
        reject(err as Error);
      }
    });
  });
}
