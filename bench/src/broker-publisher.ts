import { connect, type Socket } from 'node:net';
import type { PublishEvent } from '@herald/shared';
import { MQTT, MQTT_TOPIC, MqttReader, PINGREQ, connectPacket, publishPacket } from './mqtt-frames';
import { CONNECT, NATS_SUBJECT, NatsReader, PING, PONG, pubFrame } from './nats-frames';
import { envelope } from './payload';

/**
 * Publishing to a broker over its plain TCP protocol, the cheap way a backend would: one
 * connection, at-most-once (MQTT QoS 0, NATS core PUB). A batch is one write of its messages and
 * a ping, and counts as acknowledged at the matching pong (the broker has then handled every
 * message before it, fan-out included), as Herald's POST counts at its 202.
 */
export interface BrokerPublisher {
  publish(events: PublishEvent[]): Promise<void>;
  close(): void;
}

/** How one protocol opens, frames a message, and asks for a pong. */
interface Dialect {
  /** Sent as soon as the TCP connection is up (NATS waits for the server's INFO instead). */
  hello?: Buffer;
  /** Reads the broker's stream: `up` once it accepts us, `pong` for each pong after that. */
  reader(sock: Socket, up: () => void, pong: () => void, fail: (e: Error) => void): MqttOrNats;
  frame(message: Buffer): Buffer;
  ping: Buffer;
}

type MqttOrNats = { push(chunk: Buffer): void };

/** Mosquitto: MQTT 3.1.1 over TCP, QoS 0 PUBLISH; a batch is acknowledged by PINGRESP. */
const MQTT_DIALECT: Dialect = {
  hello: connectPacket(),
  reader: (_, up, pong, fail) =>
    new MqttReader((p) => {
      if (p.type === MQTT.PINGRESP) pong();
      else if (p.type === MQTT.CONNACK && p.body[1] === 0) up();
      else if (p.type === MQTT.CONNACK) fail(new Error(`MQTT CONNACK refused: ${p.body[1]}`));
    }),
  frame: (m) => publishPacket(MQTT_TOPIC, m),
  ping: PINGREQ,
};

/** NATS: core protocol over TCP, PUB; CONNECT after INFO, up at the first PONG. */
const NATS_DIALECT: Dialect = {
  reader: (sock, up, pong, fail) => {
    let said = false;
    let handshaken = false;
    return new NatsReader((op) => {
      if (op.op === 'PONG' && handshaken) pong();
      else if (op.op === 'PONG') {
        handshaken = true;
        up();
      } else if (op.op === 'PING') sock.write(PONG);
      else if (op.op === 'INFO' && !said) {
        said = true;
        sock.write(Buffer.concat([CONNECT, PING]));
      } else if (op.op === '-ERR') fail(new Error(`NATS -ERR ${op.text}`));
    });
  },
  frame: (m) => pubFrame(NATS_SUBJECT, m),
  ping: PING,
};

/**
 * What the broker receives is what the peers send their readers: the same envelope, with a seq
 * the publisher counts (a broker has none) and the JSON encoded here, not in the server.
 */
function encoder() {
  let seq = 0;
  return (events: PublishEvent[]): Buffer[] =>
    events.map((ev) => Buffer.from(JSON.stringify(envelope(ev, ++seq))));
}

/** Connects and resolves once the broker accepted us, or rejects on a refusal, error or 5 s. */
function open(port: number, d: Dialect, pong: () => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    sock.setNoDelay(true);
    const timer = setTimeout(() => fail(new Error(`no handshake on port ${port} in 5 s`)), 5000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      sock.destroy();
      reject(err);
    };
    const up = () => {
      clearTimeout(timer);
      sock.off('error', fail);
      resolve(sock);
    };
    sock.once('error', fail);
    const reader = d.reader(sock, up, pong, fail);
    sock.on('data', (chunk: Buffer) => reader.push(chunk));
    if (d.hello) sock.write(d.hello);
  });
}

async function publisherFor(port: number, d: Dialect): Promise<BrokerPublisher> {
  // Batches waiting for their pong, answered in order; all fail if the connection does.
  const waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const sock = await open(port, d, () => waiting.shift()?.resolve());
  const failAll = (err: Error) => {
    for (const w of waiting.splice(0)) w.reject(err);
  };
  sock.on('error', failAll);
  sock.on('close', () => failAll(new Error('broker connection closed')));
  const encode = encoder();
  return {
    publish: (events) =>
      new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        sock.write(Buffer.concat([...encode(events).map(d.frame), d.ping]));
      }),
    close: () => sock.destroy(),
  };
}

export const mqttPublisher = (port: number) => publisherFor(port, MQTT_DIALECT);
export const natsPublisher = (port: number) => publisherFor(port, NATS_DIALECT);
