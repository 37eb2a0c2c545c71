/** Does `topic` fall under `pattern` (`agents/*`, `tickets`, `**`)? See topicPatternSchema. */
export function topicMatches(pattern: string, topic: string): boolean {
  if (pattern === '**') return true;
  const p = pattern.split('/');
  const t = topic.split('/');
  for (let i = 0; i < p.length; i++) {
    const seg = p[i];
    if (seg === '**') return i === p.length - 1;
    if (i >= t.length) return false;
    if (seg !== '*' && seg !== t[i]) return false;
  }
  return p.length === t.length;
}

export function topicAllowed(patterns: readonly string[], topic: string): boolean {
  return patterns.some((p) => topicMatches(p, topic));
}

function kindMatchesOne(pattern: string, kind: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return kind.startsWith(pattern.slice(0, -1));
  return pattern === kind;
}

// Shared: a relay holds one filter per reader, and most readers take every kind.
const everyKind = () => true;
const noKind = () => false;

/**
 * Compiles a kind filter (see kindFilterSchema) into a predicate: `undefined` means every kind,
 * `[]` means none (a person who turned every type off hears nothing).
 */
export function kindFilter(patterns: readonly string[] | undefined): (kind: string) => boolean {
  if (!patterns) return everyKind;
  if (patterns.length === 0) return noKind;
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  return (kind) =>
    (include.length === 0 || include.some((p) => kindMatchesOne(p, kind))) &&
    !exclude.some((p) => kindMatchesOne(p, kind));
}
