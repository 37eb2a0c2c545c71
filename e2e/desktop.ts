// A throwaway desktop for one test run: Xvfb, a D-Bus session bus and dunst as the notification
// server, so Chromium's toasts reach a real server that can be read and clicked like a person would.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { stopChild } from '@herald/testkit/processes';
import { waitFor } from '@herald/testkit/wait';
import { dunstctl } from './dunst';

export interface Desktop {
  /** `:N`, for DISPLAY. */
  display: string;
  /** For DBUS_SESSION_BUS_ADDRESS. */
  busAddress: string;
  /** One JSON line per toast dunst shows (see ToastRecord). */
  toastLog: string;
  /**
   * Where a test says which toast button to press (`choice.json`) and reads what dunst offered
   * (`offered.ndjson`): see actionPicker.
   */
  actionsDir: string;
  stop(): Promise<void>;
}

const STARTUP_MS = 10_000;

/** Resolves with the first line `stream` prints (Xvfb's display number, dbus-daemon's address). */
function firstLine(proc: ChildProcess, stream: Readable, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error(`${what} printed nothing in time`)),
      STARTUP_MS,
    );
    const done = (err: Error | null, line?: string) => {
      clearTimeout(timer);
      stream.off('data', onData);
      proc.off('exit', onExit);
      if (err) reject(err);
      else resolve(line ?? '');
    };
    const onData = (chunk: Buffer) => {
      buf += chunk.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) done(null, buf.slice(0, nl).trim());
    };
    const onExit = (code: number | null) =>
      done(new Error(`${what} exited (${code}) before starting`));
    stream.on('data', onData);
    proc.on('exit', onExit);
  });
}

// dunst runs this for every toast it shows (and again when one replaces another), with the toast
// in DUNST_* variables; a JSON line per call is what the tests count.
function toastLogger(logPath: string): string {
  return `#!${process.execPath}
const { appendFileSync } = require('node:fs');
const e = process.env;
appendFileSync(${JSON.stringify(logPath)}, JSON.stringify({
  id: Number(e.DUNST_ID), appname: e.DUNST_APP_NAME, summary: e.DUNST_SUMMARY, body: e.DUNST_BODY,
  urgency: e.DUNST_URGENCY, timeout: Number(e.DUNST_TIMEOUT),
}) + '\\n');
`;
}

// dunst's "dmenu": on \`dunstctl context\` it pipes one line per action of every toast on screen,
// \`#Approve (<summary>) [<dunst id>,0]\`, and invokes the line printed back. A toast button is
// pressed by telling this script (choice.json) which one; it prints nothing otherwise, so nothing
// fires. Each call appends what was offered and picked to offered.ndjson.
function actionPicker(dir: string): string {
  return `#!${process.execPath}
const { appendFileSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const dir = ${JSON.stringify(dir)};
const lines = readFileSync(0, 'utf8').split('\\n').filter(Boolean);
let choice = {};
try { choice = JSON.parse(readFileSync(join(dir, 'choice.json'), 'utf8')); } catch {}
const picked = choice.button
  ? lines.find((l) => l.startsWith('#' + choice.button + ' (') && l.includes(choice.summary ?? '')) ?? null
  : null;
appendFileSync(join(dir, 'offered.ndjson'), JSON.stringify({ lines, picked }) + '\\n');
if (picked) process.stdout.write(picked + '\\n');
`;
}

// Every toast matches the catch-all rule, so every toast runs the logger. Duplicates are not
// stacked (a toast raised twice must be seen twice) and nothing is held back in a queue.
function dunstrc(script: string, picker: string): string {
  return `[global]
    dmenu = ${picker}
    notification_limit = 0
    stack_duplicates = false
    font = Monospace 10
    width = 420
    origin = top-right
    offset = 10x10
    show_indicators = no

[herald_e2e_log]
    summary = "*"
    script = ${script}

# Firefox cannot ask for a toast that stays (it refuses requireInteraction), so dunst would
# expire its toasts after 10 s. Here they stay until closed: a Firefox toast that goes away was
# closed by someone (the extension, a click), never by the clock racing a slow test.
[herald_e2e_firefox_until_closed]
    appname = Firefox
    timeout = 0

# Except toasts whose title says they expire: those go by themselves after two seconds, as a
# Firefox toast does for a person, to show what stays after it has gone.
[herald_e2e_expires]
    summary = "*expires by itself*"
    timeout = 2
`;
}

const BUS_CONFIG = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

async function waitForDunst(env: NodeJS.ProcessEnv): Promise<void> {
  await waitFor(() => dunstctl(['is-paused'], env), 'dunst to come up', {
    retryOnError: true,
    intervalMs: 100,
    timeoutMs: STARTUP_MS,
  });
}

export async function startDesktop(): Promise<Desktop> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-e2e-desktop-'));
  const procs: ChildProcess[] = [];
  const stop = async () => {
    for (const p of procs.reverse()) await stopChild(p, 3_000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // -displayfd: Xvfb picks a free display itself and prints its number on fd 3.
    const xvfb = spawn(
      'Xvfb',
      ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'],
      {
        stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      },
    );
    procs.push(xvfb);
    const display = `:${await firstLine(xvfb, xvfb.stdio[3] as Readable, 'Xvfb')}`;

    // A private session bus owned by this process (dbus-launch would daemonise it out of reach),
    // without service directories: dunst is D-Bus-activatable, and a second dunst started behind
    // our back without our config would swallow toasts unlogged.
    const busConfig = join(dir, 'bus.conf');
    writeFileSync(busConfig, BUS_CONFIG);
    const bus = spawn(
      'dbus-daemon',
      [`--config-file=${busConfig}`, '--nofork', '--print-address=1'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    procs.push(bus);
    const busAddress = await firstLine(bus, bus.stdout as Readable, 'dbus-daemon');

    const toastLog = join(dir, 'toasts.ndjson');
    writeFileSync(toastLog, '');
    const script = join(dir, 'log-toast.cjs');
    writeFileSync(script, toastLogger(toastLog));
    chmodSync(script, 0o755);
    const actionsDir = join(dir, 'actions');
    mkdirSync(actionsDir);
    writeFileSync(join(actionsDir, 'offered.ndjson'), '');
    const picker = join(dir, 'pick-action.cjs');
    writeFileSync(picker, actionPicker(actionsDir));
    chmodSync(picker, 0o755);
    const rc = join(dir, 'dunstrc');
    writeFileSync(rc, dunstrc(script, picker));
    const env = { ...process.env, DISPLAY: display, DBUS_SESSION_BUS_ADDRESS: busAddress };
    const dunst = spawn('dunst', ['-config', rc], { env, stdio: 'ignore' });
    procs.push(dunst);
    await waitForDunst(env);
    return { display, busAddress, toastLog, actionsDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
