import type { Results } from './report';

interface StormLike {
  caughtUpSec?: number;
  eventsLost?: number;
  stragglers?: number;
  clients?: number;
  dropped?: number;
}

/** The targets, each as "met" / "GAP" with the figures behind it. */
export function checkTargets(results: Results, sizes: number[], storm: unknown): string[] {
  const out: string[] = [];
  const verdict = (ok: boolean, text: string) => out.push(`${ok ? 'met' : 'GAP'}: ${text}`);
  const cpu = (t: keyof Results, n: number) =>
    results[t]?.[String(n)]?.throughput?.serverCpuMicrosPerDelivery;
  for (const n of sizes) {
    const h = cpu('herald', n);
    if (h === undefined) continue;
    const k = `${n / 1000}k`;
    const naive = cpu('naive-ws', n);
    const sio = cpu('socket.io', n);
    const floor = cpu('floor', n);
    if (naive !== undefined)
      verdict(
        naive / h >= 10,
        `@${k} CPU/delivery ≥10× better than naive ws: ${(naive / h).toFixed(1)}×`,
      );
    if (sio !== undefined) verdict(h <= sio, `@${k} CPU/delivery ≤ socket.io's: ${h} vs ${sio} µs`);
    if (floor !== undefined)
      verdict(
        h <= 2 * floor,
        `@${k} CPU/delivery within 2× of the floor: ${(h / floor).toFixed(2)}×`,
      );
  }
  const lat = results.herald?.['1000']?.latency;
  if (lat) verdict(lat.p99Ms <= 25, `p99 ≤ 25 ms at 1k × 200/s: ${lat.p99Ms} ms`);
  const idle = results.herald?.['10000']?.idle;
  if (idle)
    verdict(
      idle.rssPerConnKB <= 12,
      `≤ 12 KB RSS per idle connection at 10k: ${idle.rssPerConnKB} KB`,
    );
  const s = storm as StormLike | undefined;
  if (s?.caughtUpSec !== undefined) {
    verdict(
      s.caughtUpSec <= 5 && s.eventsLost === 0 && s.stragglers === 0,
      `storm (${s.dropped} of ${s.clients} drop): caught up in ${s.caughtUpSec} s ≤ 5 s, lost ${s.eventsLost}, stragglers ${s.stragglers}`,
    );
  }
  return out;
}
