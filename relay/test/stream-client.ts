import { createParser } from 'eventsource-parser';
import type { HeraldEvent } from '@herald/shared';

export interface StreamReader {
  /** Every parsed NDJSON line or SSE data payload, in order. */
  lines: Record<string, unknown>[];
  /** SSE `id:` values of event messages. */
  ids: string[];
  events(count: number, timeoutMs?: number): Promise<HeraldEvent[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  abort(): void;
}

/** Reads `GET /v1/stream` as NDJSON or SSE (parsed with eventsource-parser), recording everything. */
export async function readStream(
  url: string,
  token: string,
  opts: { sse?: boolean; query?: string; lastEventId?: string } = {},
): Promise<StreamReader> {
  const controller = new AbortController();
  const res = await fetch(`${url}/v1/stream${opts.query ? `?${opts.query}` : ''}`, {
    headers: {
      authorization: `Bearer ${token}`,
      ...(opts.sse && { accept: 'text/event-stream' }),
      ...(opts.lastEventId && { 'last-event-id': opts.lastEventId }),
    },
    signal: controller.signal,
  });
  if (res.status !== 200 || !res.body) throw new Error(`stream: ${res.status} ${await res.text()}`);
  const lines: Record<string, unknown>[] = [];
  const ids: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  const parser = createParser({
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
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
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
  await new Promise<void>((resolve) => {
    const check = () => {
      if (lines.length > 0) {
        waiters.delete(check);
        resolve();
      }
    };
    waiters.add(check);
    check();
  });
  // Control lines carry an `event` field; envelopes never do.
  const isEvent = (l: Record<string, unknown>) => l.event === undefined;
  return {
    lines,
    ids,
    ended,
    abort: () => controller.abort(),
    events: (count, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const evs = lines.filter(isEvent) as unknown as HeraldEvent[];
          if (evs.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(evs);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `timed out waiting for ${count} stream events; have ${JSON.stringify(lines)}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}
