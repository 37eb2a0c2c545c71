import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * `npx tsx bench/src/cpuprofile-summary.ts <file-or-dir>`: the self time of a `--cpu-prof`
 * profile by function, by package and by path (what the stack was doing: fan-out, publish, …), so
 * a hot spot can be named precisely and two servers set side by side. With a directory, the
 * newest .cpuprofile of a main thread in it (a forked peer also profiles tsx's loader thread).
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
  const all = readdirSync(path).filter((f) => f.endsWith('.cpuprofile'));
  // Named CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile; thread 0 is the main thread.
  const main = all.filter((f) => /\.0\.\d+\.cpuprofile$/.test(f));
  const files = (main.length > 0 ? main : all)
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

/**
 * What a sample's stack was doing, first match wins. The same rules for Herald and the floor, so
 * "fan-out" means the live writes in both and "publish" the path from an HTTP POST to the ack.
 */
const PATHS: [string, RegExp][] = [
  ['garbage collector', /^\(garbage collector\)/],
  ['replay to resuming readers', /\battach\b/],
  [
    'fan-out: live writes to readers',
    /\b(flush|heartbeat|Fanout)\b[^|]*(\/relay\/dist\/|floor\.ts)/,
  ],
  [
    'publish: HTTP, auth, validation, log commit, log lines',
    /router|express|body-parser|raw-body|_http_server|onParserExecute|parserOnIncoming|publish-endpoint|Publishing|appendSync|better-sqlite3|authenticate|zod|pino|sonic-boom|ServerResponse/,
  ],
  ['reads from sockets (ws frames, pongs)', /\/ws\/lib\/|onStreamRead/],
];

function pathOf(id: number, parents: Map<number, number>, nodes: Map<number, ProfileNode>): string {
  const frames: string[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
    const frame = nodes.get(at)!.callFrame;
    frames.push(`${frame.functionName} ${frame.url}`);
  }
  const stack = frames.join(' | ');
  return PATHS.find(([, re]) => re.test(stack))?.[0] ?? 'other';
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
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);
  const byPath = new Map<string, number>();
  for (const [id, n] of hits) {
    if (nodes.get(id)!.callFrame.functionName === '(idle)') continue;
    const path = pathOf(id, parents, nodes);
    byPath.set(path, (byPath.get(path) ?? 0) + n);
  }
  const pct = (n: number) => `${((100 * n) / Math.max(1, busy)).toFixed(1)}%`;
  const sorted = (m: Map<string, number>) =>
    [...m].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]);
  const lines = [
    `${basename(file)}: ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s, ` +
      `${total} samples, ${((100 * idle) / Math.max(1, total)).toFixed(0)}% idle; shares of busy time:`,
    `busy samples: ${busy}`,
    '',
    'self time by path (the stack it was on):',
    ...sorted(byPath).map(([k, n]) => `  ${pct(n).padStart(6)}  ${k}`),
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
