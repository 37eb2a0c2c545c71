import { describe, expect, it } from 'vitest';
import {
  MQTT,
  MqttReader,
  connectPacket,
  publishPacket,
  publishPayload,
  subscribePacket,
  type MqttPacket,
} from './mqtt-frames';

const read = (...chunks: Buffer[]): MqttPacket[] => {
  const out: MqttPacket[] = [];
  const r = new MqttReader((p) => out.push(p));
  for (const c of chunks) r.push(c);
  return out;
};

describe('MQTT 3.1.1 frames', () => {
  it('CONNECT: protocol MQTT level 4, clean session, keep-alive, client id', () => {
    expect([...connectPacket('ab', 60)]).toEqual([
      0x10, 14, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 60, 0, 2, 0x61, 0x62,
    ]);
  });

  it('SUBSCRIBE: flags 0b0010, packet id, filter, QoS 0', () => {
    expect([...subscribePacket(7, 'a/b')]).toEqual([0x82, 8, 0, 7, 0, 3, 0x61, 0x2f, 0x62, 0]);
  });

  it('PUBLISH at QoS 0 round-trips; a 300-byte payload takes a 2-byte remaining length', () => {
    const payload = Buffer.alloc(300, 0x78);
    const pkt = publishPacket('bench/tickets', payload);
    expect(pkt[0]).toBe(0x30);
    expect([pkt[1], pkt[2]]).toEqual([315 % 128 | 0x80, Math.floor(315 / 128)]);
    const [p] = read(pkt);
    expect(p).toMatchObject({ type: MQTT.PUBLISH, flags: 0, size: pkt.length });
    expect(publishPayload(p!).equals(payload)).toBe(true);
  });

  it('a QoS 1 PUBLISH skips its packet id', () => {
    const body = Buffer.from([0, 1, 0x74, 0, 9, 0x68, 0x69]);
    expect(publishPayload({ type: MQTT.PUBLISH, flags: 2, body, size: 9 }).toString()).toBe('hi');
  });

  it('reads packets merged in one chunk and split at every byte', () => {
    const stream = Buffer.concat([
      Buffer.from([0x20, 2, 0, 0]), // CONNACK accepted
      Buffer.from([0x90, 3, 0, 1, 0]), // SUBACK id 1, QoS 0
      publishPacket('t', Buffer.from('{"seq":1}')),
      Buffer.from([0xd0, 0]), // PINGRESP
    ]);
    const whole = read(stream).map((p) => p.type);
    expect(whole).toEqual([MQTT.CONNACK, MQTT.SUBACK, MQTT.PUBLISH, MQTT.PINGRESP]);
    const bytes = [...stream].map((b) => Buffer.from([b]));
    const split = read(...bytes);
    expect(split.map((p) => p.type)).toEqual(whole);
    expect(publishPayload(split[2]!).toString()).toBe('{"seq":1}');
  });

  it('a payload of 200,000 bytes: a 3-byte remaining length, split across chunks', () => {
    const pkt = publishPacket('t', Buffer.alloc(200_000, 1));
    const [p] = read(pkt.subarray(0, 2), pkt.subarray(2, 1000), pkt.subarray(1000));
    expect(p!.size).toBe(pkt.length);
    expect(publishPayload(p!).length).toBe(200_000);
  });
});
