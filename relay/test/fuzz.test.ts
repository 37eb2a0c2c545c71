import { connect as tcpConnect } from 'node:net';
import { clientMessageSchema, CLOSE, errorBodySchema, HTTP_ERRORS } from '@herald/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startArena, type Arena } from './bystander';

// Hostile and malformed input, generated, thrown at the real relay process on every endpoint
// and as WebSocket frames before and after hello. After every case: the process is alive, a
// bystander who connected first still receives, and every answer has the documented shape.
//
// Seeded and bounded: the seed is printed up front (and by fast-check with the shrunk case on
// failure); replay one with HERALD_FUZZ_SEED=<seed>. HERALD_FUZZ_RUNS scales the run counts.

const seed = Number(process.env.HERALD_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const scale = Number(process.env.HERALD_FUZZ_RUNS ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * scale));
console.log(`fuzz seed ${seed} (replay: HERALD_FUZZ_SEED=${seed})`);

let arena: Arena;
let publisher: string;
let fuzzer: string;

beforeAll(async () => {
  // Generous connection buckets: the point is what each request does, not the rate limit.
  arena = await startArena({
    env: { HERALD_CONNECT_RATE: '10000', HERALD_CONNECT_BURST: '10000' },
  });
  ({ publisher } = arena);
  await arena.relay.addUser('fuzzer', 'fuzzer-password', ['tickets', 'agents/*']);
  fuzzer = await arena.relay.login('fuzzer', 'fuzzer-password');
}, 30_000);
afterAll(() => arena.stop());

const STATUSES = new Set<number>([200, 202, 204, ...Object.values(HTTP_ERRORS)]);

/** A documented error answer: the shape, a known code, and the status that code has. */
function expectDocumentedError(status: number, body: unknown, context: string) {
  const parsed = errorBodySchema.safeParse(body);
  expect(parsed.success, `${context}: ${status} ${JSON.stringify(body)}`).toBe(true);
  const code = parsed.data!.error.code as keyof typeof HTTP_ERRORS;
  expect(HTTP_ERRORS[code], `${context}: unknown code ${code}`).toBe(status);
}

// ---- generators -------------------------------------------------------------------------------

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '0x10',
    '1e309',
    'NaN',
    '9'.repeat(40),
    '%00',
    '%zz',
    '../../etc/passwd',
    '[',
    '{"',
    '\u0000',
    '\ud800',
    '*',
    '**',
    '!*',
    'a,b,,c',
    'agent.*',
    '<script>',
    'x'.repeat(3000),
  ),
);

const deepJson = fc.integer({ min: 1, max: 6000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`);

const eventLike = fc.record(
  {
    id: hostileString,
    topic: fc.oneof(fc.constantFrom('tickets', 'agents/alpha', 'secret', ''), hostileString),
    kind: fc.oneof(fc.constantFrom('ticket.status_changed', 'agent.message'), hostileString),
    title: hostileString,
    body: hostileString,
    url: fc.oneof(fc.webUrl(), hostileString),
    tag: hostileString,
    sticky: fc.oneof(fc.boolean(), fc.jsonValue()),
    resolves: fc.oneof(fc.boolean(), fc.jsonValue()),
    at: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      hostileString,
    ),
    data: fc.jsonValue({ maxDepth: 6 }),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  eventLike.map((e) => JSON.stringify(e)),
  fc.array(eventLike, { maxLength: 5 }).map((e) => JSON.stringify(e)),
  fc.record({ username: hostileString, password: hostileString }).map((v) => JSON.stringify(v)),
  deepJson,
  hostileString,
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
);

const path = fc.oneof(
  fc.constantFrom(
    '/v1/events',
    '/v1/stream',
    '/v1/login',
    '/v1/logout',
    '/v1/ws',
    '/healthz',
    '/metrics',
    '/v1/hooks/none',
    '/',
  ),
  fc.string({ maxLength: 30 }).map((s) => `/${encodeURIComponent(s)}`),
);

const query = fc.dictionary(
  fc.constantFrom('since', 'limit', 'kinds', 'epoch', 'token', 'x'),
  hostileString,
  { maxKeys: 3 },
);

const headers = fc.record(
  {
    authorization: fc.oneof(
      fc.constantFrom('publisher', 'fuzzer').map((who) => `Bearer @${who}`),
      hostileString.map((s) => `Bearer ${s}`),
      hostileString,
    ),
    'content-type': fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
        'text/plain',
        'application/x-www-form-urlencoded',
      ),
      hostileString,
    ),
    origin: fc.oneof(
      fc.constantFrom('chrome-extension://abc', 'https://evil.example', 'null'),
      hostileString,
    ),
    accept: fc.constantFrom('text/event-stream', 'application/x-ndjson', '*/*', 'nonsense'),
    'last-event-id': hostileString,
    'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'bogus'),
  },
  { requiredKeys: [] },
);

/** Header values fetch refuses to send (control characters, non-Latin-1) are dropped here. */
function sendable(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    const value = v
      .replace('@publisher', publisher)
      .replace('@fuzzer', fuzzer)
      .replace(/[^\x20-\x7e]/g, '');
    out[k] = value.trim();
  }
  return out;
}

// ---- properties -------------------------------------------------------------------------------

describe('fuzz', () => {
  it('HTTP: any method, path, query, headers and body get a documented answer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'HEAD'),
        path,
        query,
        headers,
        body,
        async (method, p, q, h, b) => {
          const url = `${arena.relay.url}${p}?${new URLSearchParams(q)}`;
          const controller = new AbortController();
          const res = await fetch(url, {
            method,
            headers: sendable(h),
            ...(b !== undefined && method !== 'GET' && method !== 'HEAD' && { body: b }),
            // A request that is never answered is a finding too: fail it with its counterexample.
            signal: AbortSignal.any([controller.signal, AbortSignal.timeout(5000)]),
          });
          const context = `${method} ${p}`;
          expect(STATUSES.has(res.status), `${context}: status ${res.status}`).toBe(true);
          if (res.status >= 400 && method !== 'HEAD') {
            expectDocumentedError(res.status, await res.json(), context);
          } else if (res.status !== 200 || !p.startsWith('/v1/stream')) {
            await res.arrayBuffer();
          } else controller.abort(); // a stream stays open: we have what we need
          await arena.bystanderStillServed();
        },
      ),
      { seed, numRuns: runs(300), endOnFailure: true },
    );
  }, 120_000);

  it('raw HTTP: malformed request lines and headers get a JSON error or a closed socket', async () => {
    const line = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc
        .tuple(
          fc.constantFrom('GET', 'POST', 'BREW', '', 'G\u0000T'),
          fc.oneof(path, hostileString, fc.constantFrom('http://[', '*', '//', 'http://a:b@[::1')),
          fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2', 'HTTP/9.9', ''),
          fc.array(fc.tuple(hostileString, hostileString), { maxLength: 4 }),
          fc.boolean(),
        )
        .map(
          ([m, t, v, hs, upgrade]) =>
            `${m} ${t} ${v}\r\nHost: x\r\n` +
            (upgrade
              ? 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
                'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'
              : 'Connection: close\r\n') +
            hs.map(([k, val]) => `${k}: ${val}\r\n`).join('') +
            '\r\n',
        ),
    );
    await fc.assert(
      fc.asyncProperty(line, async (text) => {
        const answer = await rawExchange(arena.relay.port, Buffer.from(text, 'latin1'));
        if (answer.length > 0) {
          const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1]);
          expect(
            STATUSES.has(status) || status === 101,
            `status line: ${answer.slice(0, 80)}`,
          ).toBe(true);
          if (status >= 400) {
            const json = answer.slice(answer.indexOf('\r\n\r\n') + 4);
            expectDocumentedError(status, JSON.parse(json), JSON.stringify(text.slice(0, 60)));
          }
        }
        await arena.bystanderStillServed();
      }),
      { seed, numRuns: runs(200), endOnFailure: true },
    );
  }, 120_000);

  it('WebSocket: any frames, before and after hello, get an answer or a documented close', async () => {
    const jsonFrame = (v: unknown) => ({ text: JSON.stringify(v) });
    const frame = fc.oneof(
      fc.string({ maxLength: 100 }).map((text) => ({ text })),
      fc.jsonValue({ maxDepth: 5 }).map(jsonFrame),
      fc
        .record(
          {
            type: fc.constantFrom('hello', 'subscribe', 'ping', 'pong', 'event', ''),
            token: fc.oneof(fc.constant('@fuzzer'), hostileString),
            since: fc.oneof(fc.integer(), fc.double(), hostileString, fc.constant(null)),
            epoch: hostileString,
            kinds: fc.oneof(
              fc.array(hostileString, { maxLength: 4 }),
              fc.constant(null),
              hostileString,
            ),
            id: fc.oneof(hostileString, fc.integer()),
          },
          { requiredKeys: ['type'] },
        )
        .map(jsonFrame),
      fc.uint8Array({ maxLength: 100 }).map((b) => ({ binary: Buffer.from(b) })),
      // Not valid UTF-8, sent as a text frame.
      fc.constant({ rawText: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }),
      fc.integer({ min: 1, max: 3000 }).map((n) => ({ text: '['.repeat(n) + ']'.repeat(n) })),
      fc.constant({ text: 'x'.repeat(70 * 1024) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(frame, { minLength: 1, maxLength: 3 }),
        async (helloFirst, frames) => {
          const outcome = await wsExchange(
            arena.relay.url,
            helloFirst ? fuzzer : undefined,
            frames,
          );
          const documented: number[] = [
            CLOSE.MALFORMED,
            CLOSE.UNAUTHORIZED,
            1009, // frame over 64 KiB
            1007, // text frame that is not UTF-8
            1002, // not a valid WebSocket frame
          ];
          // Nothing is answered before a valid hello: without one, the socket must be closed.
          const greets = helloFirst || frames.some((f) => 'text' in f && isHelloWithToken(f.text));
          if (!greets) expect(outcome.kind, JSON.stringify(frames)).toBe('closed');
          if (outcome.kind === 'closed') {
            expect(documented, `closed ${outcome.code} after ${JSON.stringify(frames)}`).toContain(
              outcome.code,
            );
          }
          await arena.bystanderStillServed();
        },
      ),
      { seed, numRuns: runs(250), endOnFailure: true },
    );
  }, 120_000);
});

function isHelloWithToken(text: string): boolean {
  try {
    const msg = clientMessageSchema.safeParse(JSON.parse(text.replace('@fuzzer', fuzzer)));
    return msg.success && msg.data.type === 'hello' && msg.data.token === fuzzer;
  } catch {
    return false;
  }
}

// ---- exchanges --------------------------------------------------------------------------------

/** Writes the bytes, half-closes, and collects the answer until the relay closes (3 s bound). */
function rawExchange(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no answer and no close within 3 s for ${JSON.stringify(bytes.toString('latin1').slice(0, 80))}`,
        ),
      );
    }, 3000);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.once('connect', () => socket.end(bytes));
  });
}

type Frame = { text: string } | { binary: Buffer } | { rawText: Buffer };
type Outcome = { kind: 'closed'; code: number } | { kind: 'served' };

/**
 * Optionally says hello with a real token, sends the frames, then a final ping: the relay has
 * handled every frame once that ping is answered, or it has closed the socket. 3 s bound.
 */
function wsExchange(url: string, token: string | undefined, frames: Frame[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/ws`);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no close and no final pong within 3 s for ${JSON.stringify(frames)}`));
    }, 3000);
    const done = (o: Outcome) => {
      clearTimeout(timer);
      resolve(o);
    };
    ws.on('error', () => {});
    ws.on('close', (code) => done({ kind: 'closed', code }));
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.includes('"type":"pong"') && text.includes('"id":"__end__"')) {
        ws.close();
        clearTimeout(timer);
        resolve({ kind: 'served' });
      }
    });
    ws.once('open', () => {
      if (token) ws.send(JSON.stringify({ type: 'hello', token }));
      for (const f of frames) {
        if ('text' in f) ws.send(f.text.replace('@fuzzer', fuzzer));
        else if ('binary' in f) ws.send(f.binary, { binary: true });
        else ws.send(f.rawText, { binary: false });
      }
      ws.send(JSON.stringify({ type: 'ping', id: '__end__' }));
    });
  });
}
