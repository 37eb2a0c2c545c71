import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * `npx tsx bench/src/cpuprofile-summary.ts <file-or-dir>`: the self time of a `--cpu-prof`
 * profile by function and by package, so a hot spot can be named precisely. With a directory,
 * the newest .cpuprofile in it.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  startTime: number;
  endTime: number;
}

function pick(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const files = readdirSync(path)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(path, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!files[0]) throw new Error(`no .cpuprofile in ${path}`);
  return files[0];
}

function packageOf(url: string): string {
  if (!url) return '(native / gc / idle)';
  if (url.startsWith('node:')) return 'node core';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.includes('/relay/dist/')) return 'relay (herald)';
  return basename(url);
}

export function summarize(file: string, top = 25): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const byFn = new Map<string, number>();
  const byPkg = new Map<string, number>();
  let idle = 0;
  for (const node of profile.nodes) {
    const n = hits.get(node.id) ?? 0;
    if (n === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') idle += n;
    const key = `${functionName || '(anonymous)'} ${url ? `${basename(url)}:${lineNumber + 1}` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + n);
    const pkg = functionName === '(idle)' ? '(idle)' : packageOf(url);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + n);
  }
  const busy = total - idle;
  const pct = (n: number) => `${((100 * n) / Math.max(1, busy)).toFixed(1)}%`;
  const sorted = (m: Map<string, number>) =>
    [...m].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]);
  const lines = [
    `${basename(file)}: ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s, ` +
      `${total} samples, ${((100 * idle) / Math.max(1, total)).toFixed(0)}% idle; shares of busy time:`,
    '',
    'self time by package:',
    ...sorted(byPkg).map(([k, n]) => `  ${pct(n).padStart(6)}  ${k}`),
    '',
    `self time by function (top ${top}):`,
    ...sorted(byFn)
      .slice(0, top)
      .map(([k, n]) => `  ${pct(n).padStart(6)}  ${k}`),
  ];
  return lines.join('\n');
}

const arg = process.argv[2];
if (arg) console.log(summarize(pick(arg)));
