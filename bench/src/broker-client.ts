import type { ClientProtocol } from './ipc';
import {
  MQTT,
  MQTT_TOPIC,
  MqttReader,
  connectPacket,
  publishPayload,
  subscribePacket,
} from './mqtt-frames';
import { CONNECT, NATS_SUBJECT, NatsReader, PING, PONG, subFrame } from './nats-frames';

/** The brokers' browser-side protocols: MQTT 3.1.1 over WebSocket, NATS over WebSocket. */
export type BrokerProtocol = 'mqtt' | 'nats';

export const isBroker = (p: ClientProtocol): p is BrokerProtocol => p === 'mqtt' || p === 'nats';

/** The WebSocket subprotocol each protocol asks for (MQTT over WebSocket requires `mqtt`). */
export const subprotocols = (p: ClientProtocol): string[] => (p === 'mqtt' ? ['mqtt'] : []);

/** What a broker session needs from its connection (a `ws` client in conn.ts). */
export interface BrokerLink {
  send(data: Buffer): void;
  /** Subscribed: events flow from here on. */
  ready(): void;
  /** The handshake was refused. */
  fail(err: Error): void;
  /** One event's application payload (the envelope JSON) and its bytes on the wire. */
  event(payload: Buffer, size: number): void;
}

export interface BrokerSession {
  /** The WebSocket is open. */
  opened(): void;
  /** A WebSocket message: a chunk of the protocol's byte stream. */
  message(data: Buffer): void;
}

/**
 * MQTT: CONNECT, then SUBSCRIBE to the bench topic at QoS 0 once CONNACK accepts; ready at SUBACK.
 * The same minimal work per message as the other clients: find the packet, hand on its payload.
 */
function mqttSession(link: BrokerLink): BrokerSession {
  const reader = new MqttReader((p) => {
    if (p.type === MQTT.PUBLISH) link.event(publishPayload(p), p.size);
    else if (p.type === MQTT.CONNACK) {
      if (p.body[1] === 0) link.send(subscribePacket(1, MQTT_TOPIC));
      else link.fail(new Error(`MQTT CONNACK refused: ${p.body[1]}`));
    } else if (p.type === MQTT.SUBACK) {
      if (p.body[2] === 0x80) link.fail(new Error('MQTT SUBACK refused'));
      else link.ready();
    }
  });
  return { opened: () => link.send(connectPacket()), message: (data) => reader.push(data) };
}

/**
 * NATS: after the server's INFO, CONNECT, SUB and a PING; ready at the PONG (the server has then
 * registered the subscription). The server's PINGs are answered.
 */
function natsSession(link: BrokerLink): BrokerSession {
  let subscribed = false;
  const reader = new NatsReader((op) => {
    if (op.op === 'MSG') link.event(op.payload, op.size);
    else if (op.op === 'PING') link.send(PONG);
    else if (op.op === 'INFO' && !subscribed) {
      subscribed = true;
      link.send(Buffer.concat([CONNECT, subFrame(NATS_SUBJECT, 1), PING]));
    } else if (op.op === 'PONG') link.ready();
    else if (op.op === '-ERR') link.fail(new Error(`NATS -ERR ${op.text}`));
  });
  return { opened: () => undefined, message: (data) => reader.push(data) };
}

export function brokerSession(protocol: BrokerProtocol, link: BrokerLink): BrokerSession {
  return protocol === 'mqtt' ? mqttSession(link) : natsSession(link);
}
