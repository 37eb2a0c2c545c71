import { CLOSE, errorBodySchema, LIMITS } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cli, event, startRelay, type RelayProcess } from './harness';
import { rawRequest } from './raw-http';
import { readStream } from '@herald/testkit/stream-client';
import { connect } from '@herald/testkit/ws-client';
import { startArena, type Arena } from './bystander';

// Each block is one defect found by trying the relay as an attacker would; each test failed
// against the relay before its fix.

let arena: Arena;
let relay: RelayProcess;
let publisher: string;
let alice: string;

beforeAll(async () => {
  arena = await startArena();
  ({ relay, publisher, alice } = arena);
});
afterAll(() => arena.stop());

const bystanderStillServed = () => arena.bystanderStillServed();

const errorCode = (body: unknown) => errorBodySchema.parse(body).error.code;

describe('1. a request target that does not parse as a URL', () => {
  it('on an upgrade gets a 400 and the process keeps serving', async () => {
    const answer = await rawRequest(relay.port, [
      'GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    ]);
    expect(answer.status).toBe(400);
    expect(errorCode(answer.body)).toBe('invalid_request');
    await bystanderStillServed();
  });

  it('on a plain request gets a JSON answer too', async () => {
    const answer = await rawRequest(relay.port, [
      'GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ]);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    errorBodySchema.parse(answer.body);
    await bystanderStillServed();
  });
});

describe('2. the sign-in limit under concurrency', () => {
  it('evaluates exactly the allowance of 200 concurrent guesses; the right password is refused', async () => {
    const r = await startRelay();
    await r.addUser('bob', 'bob-password', ['**']);
    const attempt = (password: string) =>
      fetch(`${r.url}/v1/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bob', password }),
      });
    let firstAnswer!: () => void;
    const answered = new Promise<void>((resolve) => (firstAnswer = resolve));
    const guesses = Array.from({ length: 200 }, (_, i) =>
      attempt(`wrong-${i}`).then((res) => {
        firstAnswer();
        return res.status;
      }),
    );
    // By the first answer, some guesses have been hashed but (before the fix) too few recorded.
    await answered;
    const right = await attempt('bob-password');
    const statuses = await Promise.all(guesses);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(195);
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toMatch(/^\d+$/);
    await r.stop();
  });

  it('the per-address limit holds the same way across many user names', async () => {
    const r = await startRelay();
    const statuses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        fetch(`${r.url}/v1/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: `nobody-${i}`, password: 'guess-guess' }),
        }).then((res) => res.status),
      ),
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(80);
    await r.stop();
  });
});

describe('4. history scans are bounded per request and rate-limited per reader', () => {
  it('a reader whose topics match nothing gets a cursor after the scan budget, not a full scan', async () => {
    const r = await startRelay();
    await r.addUser('eve', 'eve-password', ['mine']);
    const p = await r.addPublisher('p', ['**']);
    for (let b = 0; b < 30; b++)
      await r.publish(
        p,
        Array.from({ length: 500 }, (_, i) => event({ id: `o-${b}-${i}`, topic: 'other' })),
      );
    const last = await r.publish(p, event({ id: 'yours', topic: 'mine' }));
    const token = await r.login('eve', 'eve-password');
    const pages: { events: { id: string }[]; next: number; head: number }[] = [];
    let since = 0;
    do {
      const res = await fetch(`${r.url}/v1/events?since=${since}&limit=100`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      pages.push((await res.json()) as (typeof pages)[number]);
      since = pages.at(-1)!.next;
    } while (since < pages.at(-1)!.head && pages.length < 10);
    expect(pages.map((p) => p.next)).toEqual([10_000, 15_001]);
    expect(pages.flatMap((p) => p.events.map((e) => e.id))).toEqual(['yours']);
    expect(last.results[0]!.seq).toBe(15_001);
    await r.stop();
  });

  it('answers 429 with Retry-After past the per-reader rate', async () => {
    const r = await startRelay({ env: { HERALD_HISTORY_BURST: '3', HERALD_HISTORY_RATE: '1' } });
    await r.addUser('mallory', 'mallory-password', ['mine']);
    await r.addUser('carol', 'carol-password', ['mine']);
    const mallory = await r.login('mallory', 'mallory-password');
    // A second sign-in is the same reader: it does not get a bucket of its own.
    const malloryAgain = await r.login('mallory', 'mallory-password');
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${r.url}/v1/events?since=0`, {
        headers: { authorization: `Bearer ${i % 2 ? malloryAgain : mallory}` },
      });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        expect(errorCode(await res.json())).toBe('too_many_requests');
      } else await res.arrayBuffer();
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses).toContain(429);
    expect(retryAfter).toBe('1');
    // Another reader is not affected by mallory's bucket.
    const carol = await r.login('carol', 'carol-password');
    const res = await fetch(`${r.url}/v1/events?since=0&limit=1`, {
      headers: { authorization: `Bearer ${carol}` },
    });
    expect(res.status).toBe(200);
    await r.stop();
  });
});

describe('5. two relays on one data dir', () => {
  it('the second refuses to start, naming the first and the Redis backend; kill -9 frees the dir', async () => {
    const first = await startRelay();
    const second = startRelay({ dataDir: first.dataDir });
    const err = (await second.then(
      () => new Error('second relay started'),
      (e: unknown) => e,
    )) as Error;
    expect(err.message).toMatch(/exited \(2\)/);
    expect(err.message).toMatch(/another herald-relay is already serving/);
    expect(err.message).toContain('HERALD_REDIS_URL');
    await first.kill9();
    const third = await startRelay({ dataDir: first.dataDir });
    expect((await fetch(`${third.url}/healthz`)).status).toBe(200);
    await third.stop();
  });
});

describe('6. SSE reconnects', () => {
  it('Last-Event-ID wins over ?since=, so a reconnect does not replay the whole log', async () => {
    const r = await relay.publish(publisher, [
      event({ id: 'sse-1' }),
      event({ id: 'sse-2' }),
      event({ id: 'sse-3' }),
    ]);
    const second = r.results[1]!.seq;
    const stream = await readStream(relay.url, alice, {
      sse: true,
      query: 'since=0',
      lastEventId: String(second),
    });
    const [first] = await stream.events(1);
    expect(first?.id).toBe('sse-3');
    stream.abort();
  });
});

describe('8. event size matches the documented frame size', () => {
  it('refuses an event that would not fit in one 64 KiB frame with 413 event_too_large', async () => {
    const res = await fetch(`${relay.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${publisher}` },
      body: JSON.stringify(event({ data: 'x'.repeat(900 * 1024) })),
    });
    expect(res.status).toBe(413);
    expect(errorCode(await res.json())).toBe('event_too_large');
  });

  it('an event just under the limit reaches a client that enforces 64 KiB frames', async () => {
    const strict = new WebSocket(`${relay.url.replace('http', 'ws')}/v1/ws`, {
      maxPayload: LIMITS.maxFrameBytes,
    });
    await new Promise((resolve) => strict.once('open', resolve));
    const frames: string[] = [];
    strict.on('message', (d) => frames.push(d.toString()));
    /** 'received' once some frame (already here or still to come) holds `text`, or how it closed. */
    const frameWith = (text: string) =>
      new Promise<string>((resolve) => {
        const check = () => {
          if (!frames.some((f) => f.includes(text))) return;
          strict.off('message', check);
          resolve('received');
        };
        strict.on('message', check);
        strict.once('close', (code) => resolve(`closed ${code}`));
        check();
      });
    const welcome = frameWith('"type":"welcome"');
    strict.send(JSON.stringify({ type: 'hello', token: alice }));
    expect(await welcome).toBe('received');
    // Grow the payload until the relay refuses it: the largest accepted one must still arrive.
    let accepted: string | undefined;
    for (let size = 60 * 1024; size < 70 * 1024; size += 256) {
      const id = `big-${size}`;
      const res = await fetch(`${relay.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${publisher}` },
        body: JSON.stringify(event({ id, data: 'y'.repeat(size) })),
      });
      await res.arrayBuffer();
      if (res.status !== 202) {
        expect(res.status).toBe(413);
        break;
      }
      accepted = id;
    }
    expect(accepted).toBeDefined();
    expect(await frameWith(`"id":"${accepted}"`)).toBe('received');
    strict.close();
  });
});

describe('9. the smaller ones', () => {
  it('data nested 4,500 levels deep is 400 invalid_event, not 500', async () => {
    const body = `{"id":"deep","topic":"tickets","kind":"k","title":"t","data":${'['.repeat(4500)}${']'.repeat(4500)}}`;
    const res = await fetch(`${relay.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${publisher}` },
      body,
    });
    expect(res.status).toBe(400);
    expect(errorCode(await res.json())).toBe('invalid_event');
  });

  it('a ping before hello is closed with 4400, not answered', async () => {
    const c = await connect(relay.url);
    c.send({ type: 'ping', id: 'early' });
    expect((await c.closed).code).toBe(CLOSE.MALFORMED);
    expect(c.messages).toEqual([]);
  });

  it("Node's own 400 and 431 answers have the documented error shape", async () => {
    const bad = await rawRequest(relay.port, ['NOT HTTP AT ALL\r\n\r\n']);
    expect(bad.status).toBe(400);
    expect(errorCode(bad.body)).toBe('invalid_request');
    const huge = await rawRequest(relay.port, [
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
    ]);
    expect(huge.status).toBe(431);
    expect(errorCode(huge.body)).toBe('headers_too_large');
    await bystanderStillServed();
  });

  it('since= (empty) and since=0x10 are refused as bad queries on history and stream', async () => {
    for (const q of ['since=', 'since=0x10', 'since=1e3', 'limit=0x10']) {
      const history = await fetch(`${relay.url}/v1/events?${q}`, {
        headers: { authorization: `Bearer ${alice}` },
      });
      expect(history.status, q).toBe(400);
      expect(errorCode(await history.json())).toBe('invalid_request');
    }
    for (const q of ['since=', 'since=0x10']) {
      const stream = await fetch(`${relay.url}/v1/stream?${q}`, {
        headers: { authorization: `Bearer ${alice}` },
      });
      expect(stream.status, q).toBe(400);
      expect(errorCode(await stream.json())).toBe('invalid_request');
    }
  });

  it("user add --topics ',,' is a usage error, not a user with no topics", async () => {
    const err = await cli(
      relay.dataDir,
      ['user', 'add', 'nobody', '--topics', ',,', '--password-stdin'],
      'password-1',
    ).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/names no topic/);
    expect(await cli(relay.dataDir, ['user', 'list'])).not.toMatch(/^nobody/m);
  });

  it('SIGTERM answers a publish whose body is still arriving with 503 shutting_down', async () => {
    const r = await startRelay();
    const p = await r.addPublisher('p', ['**']);
    const body = JSON.stringify(event({ id: 'in-flight' }));
    const head =
      `POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
      `Authorization: Bearer ${p}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    let exit: Promise<number | null> | undefined;
    const answer = await rawRequest(
      r.port,
      [head + body.slice(0, 10), body.slice(10)],
      async () => {
        // A round trip on another socket: by its answer the relay has parsed the headers above.
        await (await fetch(`${r.url}/healthz`)).arrayBuffer();
        exit = r.stop();
        // Finish the body only once the relay is stopping, with this request in flight.
        const stopping = await r.waitForLog((e) => e.msg === 'shutting down');
        expect(stopping.inFlight).toBe(1);
      },
    );
    expect(answer.status).toBe(503);
    expect(errorCode(answer.body)).toBe('shutting_down');
    expect(await exit).toBe(0);
  });
});

describe('found by the fuzzer', () => {
  it('a WebSocket handshake ws itself refuses is answered in the documented shape', async () => {
    const upgrade = (method: string, extra: string) =>
      `${method} /v1/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      `Sec-WebSocket-Version: 13\r\n${extra}\r\n`;
    const post = await rawRequest(relay.port, [
      upgrade('POST', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'),
    ]);
    expect(post.status).toBe(405);
    expect(errorCode(post.body)).toBe('method_not_allowed');
    const badKey = await rawRequest(relay.port, [upgrade('GET', 'Sec-WebSocket-Key: nope\r\n')]);
    expect(badKey.status).toBe(400);
    expect(errorCode(badKey.body)).toBe('invalid_request');
    await bystanderStillServed();
  });
});

describe('found by the fuzzer: HEAD /v1/stream', () => {
  it('is answered at once and holds no reader', async () => {
    const readers = async () =>
      ((await (await fetch(`${relay.url}/healthz`)).json()) as { readers: number }).readers;
    const before = await readers();
    const res = await fetch(`${relay.url}/v1/stream`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${alice}` },
      signal: AbortSignal.timeout(5000),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    expect(await readers()).toBe(before);
  });
});

describe('behind a trusted proxy', () => {
  it('the client address is the hop the proxy added, so a spoofed X-Forwarded-For buys no more sign-in attempts', async () => {
    const r = await startRelay({ env: { HERALD_TRUST_PROXY: 'true' } });
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fetch(`${r.url}/v1/login`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            // The client wrote the first entry; the proxy appended the address it saw.
            'x-forwarded-for': `203.0.113.${i}, 10.0.0.7`,
          },
          body: JSON.stringify({ username: `nobody-${i}`, password: 'guess-guess' }),
        }).then((res) => res.status),
      ),
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    const refused = r.logs.find((e) => e.msg === 'sign-in failed');
    expect(refused?.address).toBe('10.0.0.7');
    await r.stop();
  });
});
