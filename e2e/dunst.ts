// What a person sees of Herald's toasts, read from the notification server (dunst) itself.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One toast dunst showed (a toast replacing another is shown, and logged, again). */
export interface ToastRecord {
  /** dunst's id: the same for a toast and the ones that replaced it. */
  id: number;
  appname: string;
  summary: string;
  body: string;
  urgency: 'LOW' | 'NORMAL' | 'CRITICAL';
  /** ms; 0 = stays until the person acts. */
  timeout: number;
}

/** How a sticky toast reaches the server: critical, and never expiring by itself. */
export function stickiness(t: ToastRecord | undefined) {
  return { urgency: t?.urgency, timeout: t?.timeout };
}
export const STICKY = { urgency: 'CRITICAL', timeout: 0 } as const;

export async function dunstctl(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const { stdout } = await run('dunstctl', args, { env, timeout: 5_000 });
  return stdout.trim();
}

function readLog(path: string): ToastRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ToastRecord);
}

/**
 * The toasts of one test: only those shown after `start()`. The desktop is shared by the whole
 * run, so every test begins by clearing what the previous one left on screen.
 */
export class Toasts {
  private offset = 0;

  constructor(private readonly logPath: string) {}

  async start(): Promise<void> {
    await dunstctl(['close-all']);
    this.offset = readLog(this.logPath).length;
  }

  /** Every toast shown since start(), oldest first. */
  shown(): ToastRecord[] {
    return readLog(this.logPath).slice(this.offset);
  }

  /** Toasts shown whose title mentions `text`. */
  about(text: string): ToastRecord[] {
    return this.shown().filter((t) => t.summary.includes(text));
  }

  /** Titles shown more than once since start(): a person would have been told twice. */
  shownTwice(): string[] {
    const counts = new Map<string, number>();
    for (const t of this.shown()) counts.set(t.summary, (counts.get(t.summary) ?? 0) + 1);
    return [...counts].filter(([, n]) => n > 1).map(([summary]) => summary);
  }

  /**
   * Whether the one toast shown about `text` is still on screen: shown, and not among those
   * dunst has closed (its history), whether by timeout, by the person or by the browser.
   */
  async onScreen(text: string): Promise<boolean> {
    const [toast, ...more] = this.about(text);
    if (!toast || more.length) return false;
    const history = JSON.parse(await dunstctl(['history'])) as {
      data: { id: { data: number } }[][];
    };
    return !(history.data[0] ?? []).some((n) => n.id.data === toast.id);
  }

  /** How many toasts are on screen right now. */
  async displayed(): Promise<number> {
    return Number(await dunstctl(['count', 'displayed']));
  }

  /**
   * Clicks a toast like a person would: dunst invokes its default action. dunst numbers the
   * toasts on screen by urgency, then age, so callers make sure the one they mean is alone.
   */
  async click(position = 0): Promise<void> {
    await dunstctl(['action', String(position)]);
  }

  async closeAll(): Promise<void> {
    await dunstctl(['close-all']);
  }
}

/** A picture of the whole virtual screen, toasts included. */
export async function screenshotScreen(file: string): Promise<void> {
  await run('import', ['-window', 'root', file], { timeout: 10_000 });
}
