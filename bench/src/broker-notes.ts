import type { Results } from './report';

/**
 * What the brokers' columns are, printed under the table: which client and which publish path
 * each used, and what they do not do that Herald does.
 */
export function brokerNotes(results: Results): string {
  const version = (name: 'mosquitto' | 'nats') =>
    Object.values(results[name] ?? {}).find((r) => r.serverVersion)?.serverVersion ?? '?';
  const lines: string[] = [];
  if (results.mosquitto)
    lines.push(
      `- mosquitto ${version('mosquitto')} (C, one thread): MQTT 3.1.1 on its WebSocket listener ` +
        "(subprotocol `mqtt`). Readers: the bench's minimal MQTT client over `ws` (mqtt-frames.ts; " +
        'CONNECT, SUBSCRIBE bench/tickets at QoS 0, PUBLISH parsed), not mqtt.js. Publisher: one plain ' +
        'MQTT TCP connection, PUBLISH at QoS 0; a batch counts as acknowledged at the PINGRESP sent ' +
        'after it (the "POST→202" rows). Defaults otherwise: a reader with 1,000 packets queued ' +
        'loses further QoS 0 messages. Its socket writes are sendto(2), which /proc/<pid>/io does ' +
        'not count: no deliveries-per-write figure (strace: one sendto and one poll per delivery).',
    );
  if (results.nats)
    lines.push(
      `- nats ${version('nats')} (Go, all threads' CPU counted; "waiting for a CPU" is its main ` +
        "thread's only): the NATS protocol on its WebSocket listener. Readers: the bench's minimal " +
        'NATS client over `ws` (nats-frames.ts; CONNECT, SUB bench.tickets, MSG parsed, PING ' +
        'answered), not nats.ws. Publisher: one core TCP connection, PUB; a batch counts as ' +
        'acknowledged at the PONG after it.',
    );
  if (lines.length === 0) return '';
  return [
    'Brokers: at-most-once, no durable log, no resume after a drop, no per-reader ACL (anonymous ' +
      'here); Herald commits each event to its log and checks each reader before the 202. Their ' +
      'publisher counts seq and encodes the same envelope JSON in the bench process, which the ' +
      'Node peers and Herald do in the server.',
    ...lines,
  ].join('\n');
}
