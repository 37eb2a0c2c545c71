import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { PublishEvent, PublishResponse } from '@herald/shared';
import { Waiters } from '@herald/testkit/wait';
import { own, whenTestEnds } from './children';

/** The built relay's CLI, as `npx herald-relay` runs it. */
export const BIN = fileURLToPath(new URL('../bin/herald-relay.js', import.meta.url));

export interface RelayProcess {
  url: string;
  port: number;
  dataDir: string;
  /** Every JSON log line the relay printed, across restarts. */
  logs: Record<string, unknown>[];
  /** Resolves with the first log line (already printed or still to come) that matches. */
  waitForLog(
    match: (entry: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Resolves with the exit code once the process has exited (however it was stopped). */
  exited(): Promise<number | null>;
  /** `act`: topics the user may answer (`user add --act`). */
  addUser(name: string, password: string, topics: string[], act?: string[]): Promise<void>;
  addPublisher(name: string, topics: string[], actionUrl?: string): Promise<string>;
  login(name: string, password: string): Promise<string>;
  publish(token: string, events: PublishEvent | PublishEvent[]): Promise<PublishResponse>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit: nothing gets to flush or say goodbye. */
  kill9(): Promise<void>;
  /** Starts again on the same port and data dir. */
  restart(): Promise<void>;
  /** Runs a CLI command with this relay's environment (data dir, Redis URL). */
  cli(args: string[], input?: string): Promise<string>;
}

export interface StartOptions {
  env?: Record<string, string>;
  dataDir?: string;
  port?: number;
}

/** Runs the CLI against a data dir, e.g. `user add`; resolves with stdout. */
export function cli(
  dataDir: string,
  args: string[],
  input?: string,
  env: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env, HERALD_DATA_DIR: dataDir } },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    );
    child.stdin?.end(input ?? '');
  });
}

/** Spawns the real, built relay (`herald-relay serve`) on a random port with a temp data dir. */
export async function startRelay(options: StartOptions = {}): Promise<RelayProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'herald-relay-'));
  const logs: Record<string, unknown>[] = [];
  const logWaiters = new Waiters();
  let child: ChildProcess;
  let port = options.port ?? 0;

  const launch = () =>
    new Promise<number>((resolve, reject) => {
      child = spawn(process.execPath, [BIN, 'serve'], {
        env: {
          ...process.env,
          HERALD_HOST: '127.0.0.1',
          HERALD_LOG_LEVEL: 'info',
          ...options.env,
          HERALD_PORT: String(port),
          HERALD_DATA_DIR: dataDir,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      own(child);
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line);
        } catch {
          return;
        }
        logs.push(entry);
        logWaiters.wake();
        if (entry.msg === 'listening') resolve(entry.port as number);
      });
      child.once('exit', (code) =>
        reject(new Error(`relay exited (${code}) before listening: ${stderr}`)),
      );
    });

  port = await launch();
  const url = `http://127.0.0.1:${port}`;
  const exited = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });

  const relay: RelayProcess = {
    url,
    port,
    dataDir,
    logs,
    exited,
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
        dataDir,
        ['user', 'add', name, '--topics', topics.join(','), ...grant, '--password-stdin'],
        password,
        options.env,
      );
    },
    addPublisher: async (name, topics, actionUrl) => {
      const answers = actionUrl ? ['--action-url', actionUrl] : [];
      const args = ['publisher', 'add', name, '--topics', topics.join(','), ...answers];
      return (await cli(dataDir, args, '', options.env)).trim();
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
    stop: async () => {
      child.kill('SIGTERM');
      return exited();
    },
    kill9: async () => {
      child.kill('SIGKILL');
      await exited();
    },
    restart: async () => {
      await launch();
    },
    cli: (args, input) => cli(dataDir, args, input, options.env),
  };
  // Started inside a test: killed when it ends if the test did not stop it (a failed assertion).
  whenTestEnds(relay.kill9);
  return relay;
}

let counter = 0;
/** A valid event with a unique id; override what the test cares about. */
export function event(overrides: Partial<PublishEvent> = {}): PublishEvent {
  counter += 1;
  return {
    id: `test-${process.pid}-${counter}`,
    topic: 'tickets',
    kind: 'ticket.status_changed',
    title: `Event ${counter}`,
    ...overrides,
  };
}
