import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * How a fake upstream treats answers (docs/upstreams.md#answers-the-upstreams-write-side): as
 * the real one would (`ok`), failing with a 503 (`error`), never answering (`hang`: the relay's
 * timeout has to act), or saying someone decided first (`conflict`: 409, as when another
 * operator was quicker and the stream has not told yet).
 */
export type AnswerMode = 'ok' | 'error' | 'hang' | 'conflict';

/** One answer a fake upstream took, with what it was told. */
export interface TakenAnswer {
  path: string;
  body: Record<string, unknown>;
  /** The `idempotency-key` header the relay sent. */
  key: string | undefined;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  try {
    const body: unknown = JSON.parse(text);
    return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** The part every fake's answer endpoint shares: the mode, and the record of what it took. */
export class AnswerDesk {
  mode: AnswerMode = 'ok';
  readonly taken: TakenAnswer[] = [];
  /** Requests that reached the endpoint, taken or not (retries count). */
  attempts = 0;

  /** Answers for the mode, or returns the body to act on when the fake should decide. */
  async take(req: IncomingMessage, res: ServerResponse, path: string) {
    this.attempts += 1;
    const body = await readBody(req);
    if (this.mode === 'hang') return undefined;
    if (this.mode === 'error') {
      sendJson(res, 503, { error: 'unavailable' });
      return undefined;
    }
    if (this.mode === 'conflict') {
      sendJson(res, 409, { error: 'already decided', status: 'approved', by: 'bob' });
      return undefined;
    }
    const key = req.headers['idempotency-key'];
    return { body, record: () => this.taken.push({ path, body, key: key as string | undefined }) };
  }
}
