import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CONFIG_ENV_NAMES } from '../src/config';
import { DEPLOY_DIR } from '@herald/testkit/proxy';

const run = promisify(execFile);
const relayDir = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(relayDir, 'package.json'), 'utf8')) as {
  version: string;
};

/** `key=value` lines of an ini-style file's section (systemd units) or of an env file. */
function settings(text: string, section?: string): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) current = header[1];
    else if (section === current) {
      const eq = line.indexOf('=');
      out.set(line.slice(0, eq), line.slice(eq + 1));
    }
  }
  return out;
}

const unitFile = join(DEPLOY_DIR, 'systemd/herald-relay.service');
const unit = settings(readFileSync(unitFile, 'utf8'), 'Service');
const envFile = settings(readFileSync(join(DEPLOY_DIR, 'systemd/relay.env'), 'utf8'));

// What a person does on a server: pack the relay, install the tarball globally (here into a
// prefix of its own), and run `herald-relay` from a directory that has nothing of the repo, the
// way deploy/systemd/herald-relay.service runs it.
describe('the relay installed from its npm tarball', () => {
  it('answers --version and --help, adds a user, serves as the systemd unit runs it, and signs in', async () => {
    const work = mkdtempSync(join(tmpdir(), 'herald-pack-'));
    await run('npm', ['pack', '--pack-destination', work], { cwd: relayDir });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    const prefix = join(work, 'prefix');
    await run(
      'npm',
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--prefer-offline',
        '--allow-scripts=better-sqlite3',
        join(work, tarball),
      ],
      { cwd: work, maxBuffer: 16 << 20 },
    );
    const bin = join(prefix, 'bin', 'herald-relay');
    const home = mkdtempSync(join(tmpdir(), 'herald-server-'));
    const env = { ...process.env, HERALD_DATA_DIR: join(home, 'data'), HERALD_PORT: '0' };
    const opts = { cwd: home, env };
    expect((await run(bin, ['--version'], opts)).stdout.trim()).toBe(pkg.version);
    expect((await run(bin, ['--help'], opts)).stdout).toMatch(/^usage: herald-relay/);
    const add = spawn(bin, ['user', 'add', 'ops', '--topics', '**', '--password-stdin'], opts);
    add.stdin.end('a-long-password');
    expect(await new Promise((resolve) => add.once('exit', resolve))).toBe(0);

    // The unit, pointed at this install, passes systemd's own check (unknown keys, the binary).
    const [execPath, ...execArgs] = unit.get('ExecStart')!.split(' ');
    expect(execPath).toBe('/usr/local/bin/herald-relay');
    const unitCopy = join(work, 'herald-relay.service');
    writeFileSync(unitCopy, readFileSync(unitFile, 'utf8').replace(execPath!, bin));
    const verify = await run('systemd-analyze', ['verify', unitCopy]);
    expect(verify.stderr).toBe('');

    // Its command, with its env file (only the data dir and port moved here), stopped by its
    // signal: a clean exit well within the time the unit allows.
    for (const name of envFile.keys()) expect(CONFIG_ENV_NAMES).toContain(name);
    const serviceEnv = {
      PATH: process.env.PATH,
      ...Object.fromEntries(envFile),
      HERALD_DATA_DIR: env.HERALD_DATA_DIR,
      HERALD_PORT: '0',
    };
    const serve = spawn(bin, execArgs, {
      cwd: home,
      env: serviceEnv,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => serve.once('exit', resolve));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        createInterface({ input: serve.stdout }).on('line', (line) => {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === 'listening') resolve(entry.port!);
        });
        serve.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const login = await fetch(`http://127.0.0.1:${port}/v1/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ops', password: 'a-long-password' }),
      });
      expect(login.status).toBe(200);
    } finally {
      serve.kill(unit.get('KillSignal') as NodeJS.Signals);
    }
    const stopSeconds = Number(unit.get('TimeoutStopSec'));
    const code = await Promise.race([
      exited,
      new Promise((r) => setTimeout(() => r('still running'), stopSeconds * 1000)),
    ]);
    expect(code).toBe(0);
  }, 300_000);
});
