// The one way to start the real, built relay as its own process: the relay tests (through
// relay/test/harness.ts), the e2e suite and the bench all come here.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { PublishEvent, PublishResponse } from '@herald/shared';
import { exitOf, own, stopChild } from './processes';
import { Waiters } from './wait';

/**
 * The built relay's CLI, as `npx herald-relay` runs it. Found by its place in the repository,
 * not as a dependency: `@herald/relay` depends on this workspace.
 */
export const RELAY_BIN = fileURLToPath(new URL('../../relay/bin/herald-relay.js', import.meta.url));

type Log = Record<string, unknown>;

export interface RelayProcess {
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  /** Every JSON log line the relay printed, across restarts (empty with `keepLogs: false`). */
  logs: Log[];
  /** Resolves with the first log line (already printed or still to come) that matches. */
  waitForLog(match: (entry: Log) => boolean, timeoutMs?: number): Promise<Log>;
  /** Resolves with the exit code once the process has exited (however it was stopped). */
  exited(): Promise<number | null>;
  /** `act`: topics the user may answer (`user add --act`). */
  addUser(name: string, password: string, topics: string[], act?: string[]): Promise<void>;
  addPublisher(name: string, topics: string[], actionUrl?: string): Promise<string>;
  login(name: string, password: string): Promise<string>;
  publish(token: string, events: PublishEvent | PublishEvent[]): Promise<PublishResponse>;
  /** SIGTERM and wait for exit (SIGKILL after `stopGraceMs`, if given). */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit: nothing gets to flush or say goodbye. */
  kill9(): Promise<void>;
  /**
   * Starts again on the same port and data dir. `env` is laid over the first start's for this
   * start and the later ones (a relay restarted with other settings); `undefined` unsets.
   */
  restart(env?: Record<string, string | undefined>): Promise<void>;
  /** Runs a CLI command with this relay's environment (data dir, Redis URL). */
  cli(args: string[], input?: string): Promise<string>;
}

export interface RelayProcessOptions {
  /** The CLI to run. Default RELAY_BIN; the bench passes HERALD_BENCH_CLI (another build). */
  bin?: string;
  /** Over this process's environment, less any HERALD_REDIS_URL/PREFIX it has. */
  env?: Record<string, string | undefined>;
  /** Default: a new temp dir. */
  dataDir?: string;
  /** Default 0, any free port; `restart()` reuses the one the relay took. */
  port?: number;
  /** Node options before the CLI (the bench's --cpu-prof). */
  nodeArgs?: string[];
  /** The relay's working dir (where a --cpu-prof profile lands). Default: this process's. */
  cwd?: string;
  /** Keep every log line for `logs` and `waitForLog`. Default true; the bench says false. */
  keepLogs?: boolean;
  /** 'pipe' (default) puts it in the error of a relay that exits before listening. */
  stderr?: 'pipe' | 'inherit';
  /** A relay not listening by then is stopped and the start rejects. Default 15 s. */
  readyTimeoutMs?: number;
  /** `stop()` sends SIGKILL after this long. Default: it waits (a clean exit is what tests check). */
  stopGraceMs?: number;
  /** Killed if this process ends first (processes.ts `own`). Default true. */
  own?: boolean;
}

/**
 * The environment a relay or its CLI gets: this process's, without a Redis it may point at (a
 * test or bench never uses a shared one unless told to), then the caller's.
 */
function relayEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.HERALD_REDIS_URL;
  delete base.HERALD_REDIS_PREFIX;
  return { ...base, ...env };
}

export interface RelayCliOptions {
  bin?: string;
  dataDir: string;
  env?: Record<string, string | undefined>;
}

/** Runs the CLI against a data dir, e.g. `user add`; resolves with stdout. */
export function relayCli(
  options: RelayCliOptions,
  args: string[],
  input?: string,
): Promise<string> {
  const env = { ...relayEnv(options.env), HERALD_DATA_DIR: options.dataDir };
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [options.bin ?? RELAY_BIN, ...args],
      { env },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    );
    child.stdin?.end(input ?? '');
  });
}

/**
 * Spawns `herald-relay serve` on a free port (or `port`) with a temp data dir, and resolves once
 * it is listening. The port is the one its `listening` log line names, the documented way to
 * learn it (docs/protocol.md, `HERALD_PORT`): stdout is read as JSON lines, at info level
 * whatever the caller's environment says, since that line is an info line.
 */
export async function startRelayProcess(options: RelayProcessOptions = {}): Promise<RelayProcess> {
  const bin = options.bin ?? RELAY_BIN;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'herald-relay-'));
  const keepLogs = options.keepLogs ?? true;
  const logs: Log[] = [];
  const logWaiters = new Waiters();
  let child!: ChildProcess;
  let port = options.port ?? 0;
  let env = options.env;
  const stop = () => stopChild(child, options.stopGraceMs);

  const launch = async (): Promise<number> => {
    child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, 'serve'], {
      env: {
        ...relayEnv({ HERALD_HOST: '127.0.0.1', ...env }),
        HERALD_LOG_LEVEL: 'info',
        HERALD_PORT: String(port),
        HERALD_DATA_DIR: dataDir,
      },
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', options.stderr ?? 'pipe'],
    });
    if (options.own ?? true) own(child);
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    // Generous: on a loaded two-core CI a relay may take several seconds to start (the bench asks
    // for 15 s, on a machine it keeps quiet).
    const timeoutMs = options.readyTimeoutMs ?? 30_000;
    const lines = createInterface({ input: child.stdout! });
    const listening = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the relay did not log "listening" in ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`relay exited (${code}) before listening${stderr && `: ${stderr}`}`));
      });
      lines.on('line', (line) => {
        let entry: Log;
        try {
          entry = JSON.parse(line);
        } catch {
          return;
        }
        if (entry.msg === 'listening') {
          clearTimeout(timer);
          resolve(entry.port as number);
        }
        if (keepLogs) {
          logs.push(entry);
          logWaiters.wake();
        } else if (entry.msg === 'listening') {
          // Nobody reads the logs: stop parsing, but keep the pipe drained, or the relay's
          // asynchronous logger would hold every later line in memory.
          lines.close();
          child.stdout!.resume();
        }
      });
    });
    // A relay that never said it listens is still running: stop it rather than leave it behind.
    return listening.catch(async (err: unknown) => {
      await stop();
      throw err;
    });
  };

  port = await launch();
  const url = `http://127.0.0.1:${port}`;
  const cli = (args: string[], input?: string) => relayCli({ bin, dataDir, env }, args, input);

  return {
    url,
    port,
    get pid() {
      return child.pid ?? 0;
    },
    dataDir,
    logs,
    exited: () => exitOf(child),
    waitForLog: (match, timeoutMs = 10_000) => {
      // Each line is matched once, as it arrives (or already has).
      let scanned = 0;
      const next = () => {
        for (; scanned < logs.length; scanned++) if (match(logs[scanned]!)) return logs[scanned]!;
        return false;
      };
      return logWaiters.wait(next, 'a log line', timeoutMs);
    },
    addUser: async (name, password, topics, act) => {
      const grant = act?.length ? ['--act', act.join(',')] : [];
      await cli(
        ['user', 'add', name, '--topics', topics.join(','), ...grant, '--password-stdin'],
        password,
      );
    },
    addPublisher: async (name, topics, actionUrl) => {
      const answers = actionUrl ? ['--action-url', actionUrl] : [];
      const args = ['publisher', 'add', name, '--topics', topics.join(','), ...answers];
      return (await cli(args, '')).trim();
    },
    login: async (name, password) => {
      const res = await fetch(`${url}/v1/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: name, password }),
      });
      if (res.status !== 200) throw new Error(`login ${name}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    publish: async (token, events) => {
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(events),
      });
      if (res.status !== 202) throw new Error(`publish: ${res.status} ${await res.text()}`);
      return (await res.json()) as PublishResponse;
    },
    stop,
    kill9: async () => {
      child.kill('SIGKILL');
      await exitOf(child);
    },
    restart: async (over) => {
      if (over) env = { ...env, ...over };
      await launch();
    },
    cli,
  };
}
