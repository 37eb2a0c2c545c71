/**
 * Splits a text stream into lines. A partial line is held until its newline arrives; a new
 * splitter per connection means a tail cut off by a disconnect is simply dropped, never glued to
 * the first line of the next connection. A line longer than `maxLine` is discarded (reported via
 * `onOverflow`) so a runaway upstream cannot grow memory without bound.
 */
export class LineSplitter {
  private tail = '';
  private overflowing = false;

  constructor(
    private readonly maxLine: number,
    private readonly onOverflow: () => void,
  ) {}

  push(text: string): string[] {
    const parts = (this.tail + text).split('\n');
    this.tail = parts.pop() ?? '';
    const lines: string[] = [];
    for (const part of parts) {
      if (this.overflowing) {
        // The rest of an oversized line: drop it, resume at the next one.
        this.overflowing = false;
        continue;
      }
      if (part.length > this.maxLine) {
        this.onOverflow();
        continue;
      }
      lines.push(part.endsWith('\r') ? part.slice(0, -1) : part);
    }
    if (this.tail.length > this.maxLine) {
      this.tail = '';
      if (!this.overflowing) this.onOverflow();
      this.overflowing = true;
    }
    return lines;
  }
}
