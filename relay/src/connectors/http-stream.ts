import { AuthError, IdleError } from './supervise';

export interface HttpStreamOptions {
  url: string;
  token: string;
  accept: string;
  /** The media types a real upstream answers with; anything else (a proxy's login page) is an error. */
  expectType: RegExp;
  signal: AbortSignal;
  idleTimeoutMs: number;
  /** Called once the response headers said 2xx. */
  onOpen(): void;
  /** Decoded text as it arrives; awaited before the next chunk is read (backpressure). */
  onText(text: string): Promise<void> | void;
}

/**
 * Reads one long-lived streaming HTTP response with Node's fetch. Resolves when upstream ends the
 * body, rejects with AuthError on 401/403, IdleError after `idleTimeoutMs` without a byte, or the
 * network error. Multi-byte characters split across chunks are decoded correctly.
 */
export async function readHttpStream(opts: HttpStreamOptions): Promise<void> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  opts.signal.addEventListener('abort', onAbort, { once: true });
  let idleFired = false;
  let timer: NodeJS.Timeout | undefined;
  const armIdle = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idleFired = true;
      controller.abort();
    }, opts.idleTimeoutMs);
  };
  try {
    armIdle();
    const res = await fetch(opts.url, {
      headers: { authorization: `Bearer ${opts.token}`, accept: opts.accept },
      signal: controller.signal,
    });
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel().catch(() => undefined);
      throw new AuthError(`HTTP ${res.status}`);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      throw new Error(`HTTP ${res.status}`);
    }
    const type = res.headers.get('content-type') ?? '';
    if (!opts.expectType.test(type)) {
      await res.body.cancel().catch(() => undefined);
      throw new Error(`unexpected content-type "${type.slice(0, 100)}"`);
    }
    opts.onOpen();
    armIdle();
    const decoder = new TextDecoder('utf-8');
    const reader = res.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      armIdle();
      const text = decoder.decode(value, { stream: true });
      if (text) await opts.onText(text);
    }
  } catch (err) {
    if (idleFired) throw new IdleError(`no data for ${opts.idleTimeoutMs} ms`);
    throw err;
  } finally {
    clearTimeout(timer);
    opts.signal.removeEventListener('abort', onAbort);
    controller.abort();
  }
}
