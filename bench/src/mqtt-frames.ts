import { StreamReader } from './stream-reader';

/**
 * The few MQTT 3.1.1 packets the bench needs (OASIS MQTT 3.1.1 §2-3), built and read by hand so a
 * client keeps up with the broker: CONNECT, SUBSCRIBE (QoS 0), PUBLISH (QoS 0) and PINGREQ out;
 * CONNACK, SUBACK, PUBLISH and PINGRESP in, from a stream that may split or merge packets (TCP, or
 * binary WebSocket frames, §6).
 */
export const MQTT = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  SUBSCRIBE: 8,
  SUBACK: 9,
  PINGREQ: 12,
  PINGRESP: 13,
} as const;

/** The topic every bench event is published to and read from (the events' own topic). */
export const MQTT_TOPIC = 'bench/tickets';

export const PINGREQ = Buffer.from([MQTT.PINGREQ << 4, 0]);

/** The remaining-length field: 7 bits a byte, low first, high bit = more (§2.2.3). */
function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** A UTF-8 string with its 2-byte length (§1.5.3). */
function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(2 + b.length);
  out.writeUInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
}

function packet(firstByte: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([firstByte, ...remainingLength(body.length)]), body]);
}

/**
 * CONNECT, protocol level 4, clean session; an empty client id (the broker assigns one) and
 * keep-alive 0 (off: a bench connection lives minutes and is never idle-checked).
 */
export function connectPacket(clientId = '', keepAliveSec = 0): Buffer {
  const header = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 0]);
  header.writeUInt16BE(keepAliveSec, 8);
  return packet(MQTT.CONNECT << 4, header, str(clientId));
}

/** SUBSCRIBE to one filter at QoS 0 (fixed-header flags 0b0010, §3.8.1). */
export function subscribePacket(packetId: number, filter: string): Buffer {
  const id = Buffer.allocUnsafe(2);
  id.writeUInt16BE(packetId, 0);
  return packet((MQTT.SUBSCRIBE << 4) | 0x02, id, str(filter), Buffer.from([0]));
}

/** PUBLISH at QoS 0: no packet id, no acknowledgement (§3.3). */
export function publishPacket(topic: string, payload: Buffer): Buffer {
  return packet(MQTT.PUBLISH << 4, str(topic), payload);
}

export interface MqttPacket {
  type: number;
  flags: number;
  /** Everything after the fixed header. */
  body: Buffer;
  /** The whole packet's length in bytes, fixed header included. */
  size: number;
}

/** A PUBLISH's application message: after the topic, and after the packet id at QoS 1-2. */
export function publishPayload(p: MqttPacket): Buffer {
  const qos = (p.flags >> 1) & 3;
  return p.body.subarray(2 + p.body.readUInt16BE(0) + (qos > 0 ? 2 : 0));
}

/** Reads packets from a byte stream, keeping a partial packet until the rest arrives. */
export class MqttReader extends StreamReader {
  constructor(private readonly onPacket: (p: MqttPacket) => void) {
    super();
  }

  protected read(buf: Buffer, at: number): number {
    // Fixed header: type and flags, then 1-4 bytes of remaining length.
    let len = 0;
    let mul = 1;
    let i = at + 1;
    for (; ; i++) {
      if (i >= buf.length) return -1;
      const byte = buf[i]!;
      len += (byte & 0x7f) * mul;
      mul *= 128;
      if ((byte & 0x80) === 0) break;
      if (i - at >= 4) throw new Error('MQTT remaining length longer than 4 bytes');
    }
    const start = i + 1;
    if (start + len > buf.length) return -1;
    const first = buf[at]!;
    this.onPacket({
      type: first >> 4,
      flags: first & 0x0f,
      body: buf.subarray(start, start + len),
      size: start + len - at,
    });
    return start + len;
  }
}
