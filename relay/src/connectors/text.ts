/** Envelope limits (see publishEventSchema): keep titles and bodies inside them instead of failing. */
export const TITLE_MAX = 300;
export const BODY_MAX = 4000;

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `in_progress` → `In progress`, `proposed_resolution` → `Proposed resolution`. */
export function humanize(word: string): string {
  const spaced = word.replace(/[_-]+/g, ' ').trim();
  return spaced ? spaced[0]!.toUpperCase() + spaced.slice(1) : word;
}

/** Joins the present parts with ` · ` (the body style every connector shares). */
export function dotted(parts: Array<string | null | undefined | false>): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(' · ');
}

/** Unix seconds → ISO 8601, or undefined when the value is not a plausible time. */
export function unixToIso(seconds: unknown): string | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** A topic segment from an upstream name: characters a topic cannot hold become `_`. */
export function topicSegment(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  return cleaned || '_';
}
