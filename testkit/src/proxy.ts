// The reverse proxies of docs/deploy.md, started from the very config files in deploy/, on a
// random port with a self-signed certificate made for the run: the relay tests (through
// relay/test/harness.ts) and the e2e suite start theirs here.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports';
import { abortOnExit, own, stopChild } from './processes';
import { waitFor } from './wait';

export const DEPLOY_DIR = fileURLToPath(new URL('../../deploy/', import.meta.url));

export type ProxyKind = 'nginx' | 'haproxy';

export interface ProxyOptions {
  /** `host:port` of each relay behind it (nginx's file takes one, HAProxy's two). */
  relays: string[];
  /**
   * Shortens the proxy's idle timeouts (60 s in the files) to this many seconds, to prove the
   * relay's heartbeats keep idle connections open. Every one must be found, or this throws.
   */
  idleTimeoutSeconds?: number;
  /** The binary. Default: `nginx` or `haproxy` on the PATH (the bench: HERALD_BENCH_HAPROXY). */
  bin?: string;
  /** `stop()` sends SIGTERM, then SIGKILL after this long. Default: no SIGKILL, however long. */
  stopGraceMs?: number;
  /** 'pipe' (default) puts it in the error of one that exits before it is ready. */
  stderr?: 'pipe' | 'inherit';
}

export interface ProxyProcess {
  kind: ProxyKind;
  pid: number;
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** The certificate it presents, for clients to trust (PEM). */
  ca: string;
  /** One HTTPS request through the proxy, trusting its certificate. */
  request(path: string, init?: RequestInit): Promise<Answer>;
  stop(): Promise<void>;
}

export interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** The loopback address to send from (127.0.0.0/8), to see which one the relay is told. */
  localAddress?: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

function httpsJson(
  base: string,
  ca: string,
  path: string,
  init: RequestInit = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${base}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(init.body !== undefined && { 'content-type': 'application/json' }),
        ...init.headers,
      },
      ca,
      ...(init.localAddress && { localAddress: init.localAddress }),
    });
    req.once('error', reject).once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.once('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          json: <T>() => JSON.parse(body) as T,
        }),
      );
    });
    req.end(init.body === undefined ? undefined : JSON.stringify(init.body));
  });
}

/** A self-signed certificate for localhost and 127.0.0.1 (valid two days). */
export function selfSignedCert(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost'],
      ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** Replaces each idle timeout setting, failing loudly if the file no longer has it. */
function shortenTimeouts(text: string, patterns: RegExp[], seconds: number): string {
  for (const re of patterns) {
    if (!re.test(text)) throw new Error(`deploy config lost its ${re.source}`);
    text = text.replace(re, (setting) => setting.replace(/\d+/, String(seconds)));
  }
  return text;
}

/** nginx's site file rendered by envsubst, as docs/deploy.md says, inside a minimal nginx.conf. */
function nginxConfig(
  dir: string,
  port: number,
  opts: ProxyOptions,
  tls: { cert: string; key: string },
) {
  const [relay] = opts.relays;
  if (!relay || opts.relays.length !== 1)
    throw new Error('deploy/nginx/herald.conf fronts one relay');
  const vars = {
    HERALD_SERVER_NAME: 'localhost',
    HERALD_PUBLIC_PORT: `127.0.0.1:${port}`,
    HERALD_TLS_CERT: tls.cert,
    HERALD_TLS_KEY: tls.key,
    HERALD_RELAY: relay,
  };
  let site = execFileSync(
    'envsubst',
    [
      Object.keys(vars)
        .map((k) => `\${${k}}`)
        .join(' '),
    ],
    {
      input: readFileSync(join(DEPLOY_DIR, 'nginx/herald.conf')),
      env: { ...process.env, ...vars },
      encoding: 'utf8',
    },
  );
  if (opts.idleTimeoutSeconds !== undefined) {
    site = shortenTimeouts(
      site,
      [/proxy_read_timeout \d+s;/, /proxy_send_timeout \d+s;/],
      opts.idleTimeoutSeconds,
    );
  }
  writeFileSync(join(dir, 'herald.conf'), site);
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      'error_log stderr warn;',
      'events { worker_connections 4096; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (t) => `  ${t}_temp_path ${join(dir, t)};`,
      ),
      `  include ${join(dir, 'herald.conf')};`,
      '}',
    ].join('\n'),
  );
  return {
    command: 'nginx',
    args: ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'],
    env: {},
  };
}

/** HAProxy's file as is, its names given through the environment. */
function haproxyConfig(
  dir: string,
  port: number,
  opts: ProxyOptions,
  tls: { cert: string; key: string },
) {
  const [a, b] = opts.relays;
  if (!a || !b || opts.relays.length !== 2)
    throw new Error('deploy/haproxy/herald.cfg fronts two relays');
  let file = join(DEPLOY_DIR, 'haproxy/herald.cfg');
  if (opts.idleTimeoutSeconds !== undefined) {
    const text = shortenTimeouts(
      readFileSync(file, 'utf8'),
      [/timeout client \d+s/, /timeout server \d+s/, /timeout tunnel \d+s/],
      opts.idleTimeoutSeconds,
    );
    file = join(dir, 'herald.cfg');
    writeFileSync(file, text);
  }
  const pem = join(dir, 'herald.pem');
  writeFileSync(pem, readFileSync(tls.cert, 'utf8') + readFileSync(tls.key, 'utf8'));
  return {
    command: 'haproxy',
    // One process in the foreground (-db), so stopping it by PID leaves nothing behind.
    args: ['-db', '-f', file],
    env: {
      HERALD_BIND: `127.0.0.1:${port}`,
      HERALD_TLS_PEM: pem,
      HERALD_RELAY_A: a,
      HERALD_RELAY_B: b,
    },
  };
}

/** Waits until the port completes a TLS handshake: the proxy is ready. */
async function waitListening(port: number, child: ChildProcess, out: () => string): Promise<void> {
  const handshake = () =>
    new Promise<boolean>((resolve) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  const signal = abortOnExit(child, (code) => new Error(`proxy exited (${code}): ${out()}`));
  await waitFor(handshake, `the proxy listening on ${port}`, {
    timeoutMs: 10_000,
    intervalMs: 50,
    signal,
  }).catch((err: Error) => {
    throw signal.aborted ? err : new Error(`${err.message}: ${out()}`);
  });
}

/** Starts `kind` in front of `opts.relays` and resolves once it completes a TLS handshake. */
export async function startProxyProcess(
  kind: ProxyKind,
  opts: ProxyOptions,
): Promise<ProxyProcess> {
  const dir = mkdtempSync(join(tmpdir(), `herald-${kind}-`));
  // nginx's workers drop root and must still reach their temp dirs in here.
  chmodSync(dir, 0o755);
  const tls = selfSignedCert(dir);
  for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, t));
  const port = await freePort();
  const spec = (kind === 'nginx' ? nginxConfig : haproxyConfig)(dir, port, opts, tls);
  const child = spawn(opts.bin ?? spec.command, spec.args, {
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'pipe', opts.stderr ?? 'pipe'],
  });
  own(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async () => {
    await stopChild(child, opts.stopGraceMs);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitListening(port, child, () => out);
  } catch (err) {
    await stop();
    throw err;
  }
  const url = `https://127.0.0.1:${port}`;
  const ca = readFileSync(tls.cert, 'utf8');
  const request = (path: string, init?: RequestInit) => httpsJson(url, ca, path, init);
  return { kind, pid: child.pid ?? 0, url, ca, request, stop };
}
