import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const relayDir = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(relayDir, 'package.json'), 'utf8')) as {
  version: string;
};

// What a person does on a server: pack the relay, install the tarball globally (here into a
// prefix of its own), and run `herald-relay` from a directory that has nothing of the repo.
describe('the relay installed from its npm tarball', () => {
  it('answers --version and --help, adds a user, serves, and signs in', async () => {
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

    const serve = spawn(bin, ['serve'], { ...opts, stdio: ['ignore', 'pipe', 'inherit'] });
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
      serve.kill('SIGTERM');
      await new Promise((resolve) => serve.once('exit', resolve));
    }
  }, 300_000);
});
