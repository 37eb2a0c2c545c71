/**
 * Sizes the protocol promises, enforced where they are documented: one table so the relay's
 * checks, its socket options and the docs cannot drift apart.
 */
export const LIMITS = {
  /** Largest WebSocket frame either side sends or accepts (larger inbound: close 1009). */
  maxFrameBytes: 64 * 1024,
  /** Largest `POST /v1/events` body (413 `payload_too_large`). */
  maxPublishBodyBytes: 1024 * 1024,
  /** Deepest nesting of an event's `data` (objects and arrays) before 400 `invalid_event`. */
  maxDataDepth: 32,
} as const;

/** `{"type":"event","event":` + `}`: what wraps an envelope in its WebSocket frame. */
const EVENT_FRAME_OVERHEAD = '{"type":"event","event":}'.length;
/** `"seq":<16 digits>,`: the relay adds seq to the envelope after the size check. */
const SEQ_OVERHEAD = '"seq":9007199254740991,'.length;
/** The WebSocket frame header of a 64 KiB payload (2 + 8 bytes, unmasked). */
const FRAME_HEADER = 10;

/** Largest envelope JSON (without seq) that still goes out in one frame of at most maxFrameBytes. */
export const MAX_ENVELOPE_BYTES =
  LIMITS.maxFrameBytes - EVENT_FRAME_OVERHEAD - SEQ_OVERHEAD - FRAME_HEADER;

/**
 * How deep `value` nests, counted iteratively: a hostile body thousands of levels deep must be
 * refused with a 400, not overflow the stack of whatever walks it next (JSON.stringify, zod).
 * Stops counting at `limit + 1`.
 */
export function nestingDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const d = depth + 1;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d]);
  }
  return max;
}
