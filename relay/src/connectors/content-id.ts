import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so field order upstream does not change an id. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * An event id derived from upstream content alone: re-reading the same upstream item (after a
 * reconnect, or after the relay itself restarted and forgot everything) yields the same id, which
 * the relay's log treats as a duplicate. 128 bits of SHA-256 keep accidental collisions out of reach.
 */
export function contentId(prefix: string, value: unknown): string {
  const digest = createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32);
  return `${prefix}-${digest}`;
}
