import { createParser } from 'eventsource-parser';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HeraldEvent } from '@herald/shared';
import { Waiters } from './wait';

export interface StreamReader {
  /** Every parsed NDJSON line or SSE data payload, in order. */
  lines: Record<string, unknown>[];
  /** SSE `id:` values of event messages. */
  ids: string[];
  /** Keep-alives heard so far: NDJSON heartbeat lines, or SSE comments. */
  keepAlives(): number;
  /** Resolves once `count` keep-alives have been heard in all. */
  waitForKeepAlives(count: number, timeoutMs?: number): Promise<void>;
  events(count: number, timeoutMs?: number): Promise<HeraldEvent[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  abort(): void;
}

/** A GET whose answer is read as it arrives; `ca` trusts a proxy's self-signed certificate. */
function get(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  ca?: string,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = url.startsWith('https:')
      ? httpsRequest(url, { headers, signal, ca })
      : httpRequest(url, { headers, signal });
    req.once('response', resolve).once('error', reject).end();
  });
}

/** Reads `GET /v1/stream` as NDJSON or SSE (parsed with eventsource-parser), recording everything. */
export async function readStream(
  url: string,
  token: string,
  opts: { sse?: boolean; query?: string; lastEventId?: string; ca?: string } = {},
): Promise<StreamReader> {
  const controller = new AbortController();
  const res = await get(
    `${url}/v1/stream${opts.query ? `?${opts.query}` : ''}`,
    {
      authorization: `Bearer ${token}`,
      ...(opts.sse && { accept: 'text/event-stream' }),
      ...(opts.lastEventId && { 'last-event-id': opts.lastEventId }),
    },
    controller.signal,
    opts.ca,
  );
  if (res.statusCode !== 200) {
    let body = '';
    for await (const chunk of res) body += String(chunk);
    throw new Error(`stream: ${res.statusCode} ${body}`);
  }
  const lines: Record<string, unknown>[] = [];
  const ids: string[] = [];
  const waiters = new Waiters();
  const notify = () => waiters.wake();
  let comments = 0;
  const parser = createParser({
    onComment: () => {
      comments++;
      notify();
    },
    onEvent: (msg) => {
      lines.push(JSON.parse(msg.data) as Record<string, unknown>);
      if (msg.event === 'event' && msg.id) ids.push(msg.id);
      notify();
    },
  });
  let partial = '';
  const decoder = new TextDecoder();
  const ended = (async () => {
    try {
      for await (const chunk of res as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        if (opts.sse) parser.feed(text);
        else {
          const parts = (partial + text).split('\n');
          partial = parts.pop() ?? '';
          for (const p of parts) if (p) lines.push(JSON.parse(p) as Record<string, unknown>);
          notify();
        }
      }
    } catch {
      // aborted
    }
    notify();
  })();
  // The connected line is the first thing the relay writes.
  await waiters.wait(() => lines.length > 0, 'the connected line');
  // Control lines carry an `event` field; envelopes never do.
  const isEvent = (l: Record<string, unknown>) => l.event === undefined;
  const keepAlives = () =>
    opts.sse ? comments : lines.filter((l) => l.event === 'heartbeat').length;
  const until = async (ready: () => boolean, what: string, timeoutMs: number) => {
    await waiters.wait(ready, what, timeoutMs, () => `have ${JSON.stringify(lines)}`);
  };
  return {
    lines,
    ids,
    ended,
    keepAlives,
    waitForKeepAlives: (count, timeoutMs = 5000) =>
      until(() => keepAlives() >= count, `${count} keep-alives`, timeoutMs),
    abort: () => controller.abort(),
    events: async (count, timeoutMs = 5000) => {
      const events = () => lines.filter(isEvent) as unknown as HeraldEvent[];
      await until(() => events().length >= count, `${count} stream events`, timeoutMs);
      return events();
    },
  };
}
