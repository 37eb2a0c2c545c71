/** Nearest-rank percentile of unsorted samples (sorted copy). */
export function percentiles(samples: number[], ps: number[]): number[] {
  if (samples.length === 0) return ps.map(() => NaN);
  const s = Float64Array.from(samples).sort();
  return ps.map((p) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const round = (n: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};
