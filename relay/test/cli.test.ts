import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, startRelay } from './harness';

const dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('herald-relay', () => {
  it('--version prints the package version, --help the usage', async () => {
    expect((await cli(dir, ['--version'])).trim()).toBe(pkg.version);
    expect((await cli(dir, ['-v'])).trim()).toBe(pkg.version);
    expect(await cli(dir, ['--help'])).toMatch(/^usage: herald-relay <command>/);
  });

  it('exposes Prometheus metrics under one herald_ prefix, never doubled', async () => {
    const relay = await startRelay();
    const text = await (await fetch(`${relay.url}/metrics`)).text();
    expect(text).toMatch(/^herald_process_cpu_seconds_total /m);
    expect(text).toMatch(/^herald_nodejs_eventloop_lag_seconds /m);
    expect(text).not.toMatch(/herald_process_process_|herald_process_nodejs_/);
    await relay.stop();
  });
});
