import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { mqttPublisher, natsPublisher, type BrokerPublisher } from './broker-publisher';
import { freePort, probePort } from '@herald/testkit/ports';
import { spawnDaemon, stopChild } from './daemon';
import type { Target } from './targets';

/**
 * The at-most-once brokers as peers: Mosquitto (C, MQTT over WebSocket) and NATS (Go, WebSocket
 * listener), each an instance of the bench's own on random free loopback ports, with its config,
 * log and any state in a temp dir, stopped by its PID; never the machine's shared 1883 / 4222.
 */
export type BrokerName = 'mosquitto' | 'nats';

export const BROKERS: BrokerName[] = ['mosquitto', 'nats'];

const BIN: Record<BrokerName, string> = {
  mosquitto: process.env.HERALD_BENCH_MOSQUITTO ?? '/usr/sbin/mosquitto',
  nats: process.env.HERALD_BENCH_NATS ?? '/usr/sbin/nats-server',
};

/**
 * Extra mosquitto.conf lines, `;`-separated (HERALD_BENCH_MOSQUITTO_CONF), e.g.
 * `allow_duplicate_messages true`: a run with them says so beside the version.
 */
const MOSQUITTO_EXTRA = (process.env.HERALD_BENCH_MOSQUITTO_CONF ?? '')
  .split(';')
  .map((l) => l.trim())
  .filter(Boolean);

export const isBrokerTarget = (name: string): name is BrokerName =>
  (BROKERS as string[]).includes(name);

/** Whether the broker's binary is installed (the default run leaves a missing one out). */
export const brokerInstalled = (name: BrokerName): boolean => existsSync(BIN[name]);

/** `mosquitto version 2.0.11` / `nats-server: v2.9.10`, or 'unknown'. */
function version(name: BrokerName): string {
  const flag = name === 'mosquitto' ? '-h' : '--version';
  let out: string;
  try {
    out = execFileSync(BIN[name], [flag], { encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    // `mosquitto -h` prints its usage and exits 3.
    out = String((err as { stdout?: string }).stdout ?? '');
  }
  return /v?(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? 'unknown';
}

/**
 * Mosquitto 2.0: a WebSocket-only broker exits ("Unable to start any listening sockets"), so a
 * plain MQTT listener (the publisher's) sits beside it. The WebSocket listener ignores an address
 * and is held to loopback by `bind_interface lo`. Anonymous, no persistence; `user` is the
 * bench's own, so a root run does not drop to `mosquitto` (which could not write the temp dir).
 * Everything else is the default (max_queued_messages 1000: QoS 0 beyond it is dropped;
 * allow_duplicate_messages false: each delivery compares the client's id with every client the
 * message went to before, by strcmp).
 */
function mosquittoConfig(dir: string, tcpPort: number, wsPort: number): string[] {
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `user ${userInfo().username}`,
      'allow_anonymous true',
      'persistence false',
      `log_dest file ${join(dir, 'mosquitto.log')}`,
      `listener ${tcpPort} 127.0.0.1`,
      `listener ${wsPort}`,
      'protocol websockets',
      'bind_interface lo',
      ...MOSQUITTO_EXTRA,
      '',
    ].join('\n'),
  );
  return ['-c', conf];
}

/** NATS: the core port (the publisher's) and a WebSocket listener without TLS, both loopback. */
function natsConfig(dir: string, tcpPort: number, wsPort: number): string[] {
  const conf = join(dir, 'nats.conf');
  writeFileSync(
    conf,
    [
      `listen: "127.0.0.1:${tcpPort}"`,
      `log_file: "${join(dir, 'nats.log')}"`,
      'websocket {',
      `  listen: "127.0.0.1:${wsPort}"`,
      '  no_tls: true',
      '}',
      '',
    ].join('\n'),
  );
  return ['-c', conf];
}

/** Starts the broker and its publisher connection; the readers connect to `wsUrl`. */
export async function startBroker(name: BrokerName): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), `herald-bench-${name}-`));
  let child: ChildProcess | undefined;
  let pub: BrokerPublisher | undefined;
  const stop = async () => {
    pub?.close();
    if (child) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const tcpPort = await freePort();
    let wsPort = await freePort();
    while (wsPort === tcpPort) wsPort = await freePort();
    const args = (name === 'mosquitto' ? mosquittoConfig : natsConfig)(dir, tcpPort, wsPort);
    child = await spawnDaemon(
      BIN[name],
      args,
      async () => (await probePort(tcpPort)) && (await probePort(wsPort)),
    );
    pub = await (name === 'mosquitto' ? mqttPublisher : natsPublisher)(tcpPort);
    const running = child;
    return {
      name,
      protocol: name === 'mosquitto' ? 'mqtt' : 'nats',
      pid: running.pid ?? 0,
      wsUrl: `ws://127.0.0.1:${wsPort}/`,
      publishUrl: `${name === 'mosquitto' ? 'mqtt' : 'nats'}://127.0.0.1:${tcpPort}`,
      publish: pub.publish,
      version:
        name === 'mosquitto' && MOSQUITTO_EXTRA.length
          ? `${version(name)} with ${MOSQUITTO_EXTRA.join('; ')}`
          : version(name),
      // strace: one sendto(2) (and a poll) per delivery, which syscw does not see.
      writesUncounted: name === 'mosquitto',
      stop,
      crash: () => running.kill('SIGKILL'),
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
