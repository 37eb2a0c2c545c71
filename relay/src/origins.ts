/**
 * Matches browser origins against the allowed list: exact origins, or patterns where `*`
 * stands for one run of non-`/` characters (`chrome-extension://*`, `https://*.example.com`).
 */
export function originMatcher(allowed: readonly string[]): (origin: string) => boolean {
  const patterns = allowed.map(
    (p) =>
      new RegExp(
        '^' +
          p
            .split('*')
            .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^/]+') +
          '$',
      ),
  );
  return (origin) => patterns.some((re) => re.test(origin));
}
