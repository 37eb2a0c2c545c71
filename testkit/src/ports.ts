import { connect, createServer } from 'node:net';

/**
 * A loopback port nothing listens on right now (the kernel's pick, released at once), for a
 * server that must be told its port.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Whether something on 127.0.0.1:`port` accepts a connection and, given `ask`, answers it as
 * `fits` expects (500 ms at most): a readiness probe.
 */
export function probePort(
  port: number,
  ask?: { send: string; fits: (reply: string) => boolean },
): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('error', () => done(false));
    if (!ask) sock.once('connect', () => done(true));
    else {
      sock.once('data', (d: Buffer) => done(ask.fits(d.toString())));
      sock.write(ask.send);
    }
  });
}
