import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRecorder } from '../../test/recorder';
import { ConfigError } from '../config';
import { connectorsConfigSchema, createConnectors } from './index';

const tickets = (extra: object = {}) => ({
  type: 'tickets',
  name: 'tracker',
  url: 'http://127.0.0.1:1',
  token: { env: 'IDX_TOKEN' },
  ...extra,
});

const problems = (input: unknown) => {
  const r = connectorsConfigSchema.safeParse(input);
  return r.success ? '' : z.prettifyError(r.error);
};

describe('connector config', () => {
  it('fills in defaults a person would otherwise have to look up', () => {
    const [cfg] = connectorsConfigSchema.parse([tickets()]);
    expect(cfg).toMatchObject({
      topic: 'tickets',
      reconnect: { idleTimeoutMs: 60_000, authRetryMs: 60_000 },
    });
  });

  it('names what is wrong: duplicate names, unknown types and fields, inline secrets, bad URLs', () => {
    expect(problems([tickets(), tickets()])).toContain('duplicate connector name "tracker"');
    expect(problems([{ ...tickets(), type: 'carrier-pigeon' }])).toMatch(/type/);
    expect(problems([tickets({ token: 'plain-text-secret' })])).toMatch(/token/);
    expect(problems([tickets({ url: 'ftp://x' })])).toMatch(/url/);
    expect(problems([tickets({ tpoic: 'typo' })])).toMatch(/tpoic/);
    expect(
      problems([
        { type: 'webhook', name: 'ci', secret: { env: 'X' }, topic: 'ci', mapping: 'nope' },
      ]),
    ).toMatch(/mapping/);
  });

  it('refuses to build a connector whose credential is missing, naming where it looked', () => {
    delete process.env.IDX_TOKEN;
    const configs = connectorsConfigSchema.parse([tickets()]);
    expect(() => createConnectors(configs, createRecorder().ctx)).toThrow(ConfigError);
    expect(() => createConnectors(configs, createRecorder().ctx)).toThrow(
      'connector "tracker": env IDX_TOKEN is empty or not set',
    );
  });

  it('reads a credential from a file and builds one connector per entry', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'herald-idx-')), 'token');
    writeFileSync(file, 'from-a-file\n');
    const configs = connectorsConfigSchema.parse([
      tickets({ token: { file } }),
      { type: 'webhook', name: 'ci', secret: { file }, topic: 'ci', mapping: 'job-runner' },
    ]);
    const built = createConnectors(configs, createRecorder().ctx);
    expect(built.map((c) => [c.name, c.status().type, Boolean(c.router)])).toEqual([
      ['tracker', 'tickets', false],
      ['ci', 'webhook', true],
    ]);
    const missing = connectorsConfigSchema.parse([tickets({ token: { file: `${file}.gone` } })]);
    expect(() => createConnectors(missing, createRecorder().ctx)).toThrow(
      /cannot read file .*\.gone: ENOENT/,
    );
  });
});
