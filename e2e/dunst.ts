// What a person sees of Herald's toasts, read from the notification server (dunst) itself.
import { expect } from '@playwright/test';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
/** One `dunstctl context`: every toast action dunst offered, and the one pressed (if any). */
export interface Offer {
  /** `#Approve (Approval needed: bump zod) [12,0]`, one per action of every toast on screen. */
  lines: string[];
  picked: string | null;
}

export class Toasts {
  private offset = 0;

  constructor(
    private readonly logPath: string,
    private readonly actionsDir: string,
  ) {}

  private offers(): Offer[] {
    return readFileSync(join(this.actionsDir, 'offered.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Offer);
  }

  /**
   * Opens dunst's action menu (\`dunstctl context\`), choosing `button` on the toast whose title
   * contains `summary` (or nothing); resolves with what was offered once dunst has asked.
   */
  private async context(button: string | null, summary: string): Promise<Offer> {
    writeFileSync(join(this.actionsDir, 'choice.json'), JSON.stringify({ button, summary }));
    const before = this.offers().length;
    // dunst ignores a menu request while its previous menu is still closing (the picker has
    // written its record but dunst has not yet taken its exit), and dunstctl returns before the
    // menu runs either way: ask, and ask again if dunst never ran the picker. Nothing was offered
    // or pressed by a request it ignored, so asking again cannot press twice.
    for (let attempt = 1; ; attempt++) {
      await dunstctl(['context']);
      const asked = await expect
        .poll(() => this.offers().length, { timeout: 3000 })
        .toBe(before + 1)
        .then(
          () => true,
          () => false,
        );
      if (asked) return this.offers()[before]!;
      if (attempt === 3) throw new Error('dunst never ran its action menu');
    }
  }

  /** Presses a toast's button, as a person would; the caller awaits what it should cause. */
  async press(button: string, summary: string): Promise<void> {
    const offer = await this.context(button, summary);
    if (!offer.picked)
      throw new Error(
        `no "${button}" button on a toast about "${summary}": ${offer.lines.join(' | ')}`,
      );
  }

  /**
   * The buttons on screen on toasts whose title contains `summary`: every action but the body's
   * (`default`) and the browser's own (`settings`).
   */
  async buttons(summary: string): Promise<string[]> {
    const offer = await this.context(null, summary);
    return offer.lines.flatMap((line) => {
      const m = /^#(.*) \((.*)\) \[\d+,(.+)\]$/.exec(line);
      if (!m || !m[2]!.includes(summary) || m[3] === 'default' || m[3] === 'settings') return [];
      return [m[1]!];
    });
  }

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

  /** Ids of the toasts dunst has closed (its history): by timeout, the person or the browser. */
  private async closedIds(): Promise<Set<number>> {
    const history = JSON.parse(await dunstctl(['history'])) as {
      data: { id: { data: number } }[][];
    };
    return new Set((history.data[0] ?? []).map((n) => n.id.data));
  }

  /** How many toasts shown about `text` (by `appname`, if given) are still on screen. */
  async stillShown(text: string, appname?: string): Promise<number> {
    const closed = await this.closedIds();
    return new Set(
      this.about(text)
        .filter((t) => appname === undefined || t.appname === appname)
        .map((t) => t.id)
        .filter((id) => !closed.has(id)),
    ).size;
  }

  /** The apps that showed a toast about `text`, once each, sorted. */
  appsAbout(text: string): string[] {
    return [...new Set(this.about(text).map((t) => t.appname))].sort();
  }

  /** Whether the one toast shown about `text` is still on screen. */
  async onScreen(text: string): Promise<boolean> {
    return this.about(text).length === 1 && (await this.stillShown(text)) === 1;
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

  /**
   * Closes one toast as a person would (dunst tells the browser "dismissed by the user"): the
   * first on screen, which is the most urgent, then the oldest.
   */
  async dismiss(): Promise<void> {
    await dunstctl(['close']);
  }

  async closeAll(): Promise<void> {
    await dunstctl(['close-all']);
  }
}

/**
 * How light a part of the virtual screen is, 0 (black, the empty desktop) to 1: whether
 * something is drawn there yet.
 */
export async function screenLightness(x: number, y: number, w: number, h: number): Promise<number> {
  const { stdout } = await run(
    'sh',
    [
      '-c',
      `import -window root -crop ${w}x${h}+${x}+${y} png:- | convert - -format '%[fx:mean]' info:`,
    ],
    { timeout: 10_000 },
  );
  return Number(stdout.trim());
}

/** A picture of the whole virtual screen, toasts included. */
export async function screenshotScreen(file: string): Promise<void> {
  await run('import', ['-window', 'root', file], { timeout: 10_000 });
}
