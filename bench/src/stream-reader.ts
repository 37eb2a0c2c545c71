/**
 * A byte-stream parser's framing: what a chunk leaves unfinished is kept until the rest arrives
 * (a TCP read, or a WebSocket message, may split a protocol's unit or hold several).
 */
export abstract class StreamReader {
  private rest: Buffer | undefined;

  push(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = undefined;
    let at = 0;
    while (at < buf.length) {
      const next = this.read(buf, at);
      if (next < 0) {
        this.rest = Buffer.from(buf.subarray(at));
        return;
      }
      at = next;
    }
  }

  /** Reads the unit starting at `at`: the offset after it, or -1 while it is incomplete. */
  protected abstract read(buf: Buffer, at: number): number;
}
