import type { PublishEvent, PublishResult } from '@herald/shared';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { ConnectorContext } from '../src/connectors/types';
import { waitFor } from '@herald/testkit/wait';

export interface Recorder {
  ctx: ConnectorContext;
  /** Distinct events, in the order first published (what the relay's log would hold). */
  events: PublishEvent[];
  /** Publishes the relay would have reported as duplicates. */
  duplicates: number;
  registry: Registry;
  /** Every log line the connectors wrote (JSON), to check what they say and never say. */
  logs: string[];
  waitForEvents(n: number, timeoutMs?: number): Promise<void>;
}

/** A stand-in for the relay's publish: idempotent by id, exactly like the durable log. */
export function createRecorder(): Recorder {
  const seen = new Map<string, number>();
  const registry = new Registry();
  const logs: string[] = [];
  const sink = { write: (line: string) => void logs.push(line) };
  const recorder: Recorder = {
    events: [],
    logs,
    duplicates: 0,
    registry,
    ctx: {
      logger: pino({ level: process.env.HERALD_TEST_LOG_LEVEL ?? 'debug' }, sink),
      registry,
      async publish(events) {
        return events.map((event): PublishResult => {
          const known = seen.get(event.id);
          if (known !== undefined) {
            recorder.duplicates += 1;
            return { id: event.id, seq: known, duplicate: true };
          }
          recorder.events.push(event);
          seen.set(event.id, recorder.events.length);
          return { id: event.id, seq: recorder.events.length, duplicate: false };
        });
      },
    },
    async waitForEvents(n, timeoutMs) {
      const what = `${n} published event(s) (have ${recorder.events.length})`;
      await waitFor(() => recorder.events.length >= n, what, { timeoutMs });
    },
  };
  return recorder;
}
