// What the relay reports about itself, and a job runner's events (the upstream formats are in
// @herald/testkit/upstreams).
import type { PublishEvent } from '@herald/shared';

/** A job runner's event, published through `POST /v1/events` (an "other source"). */
export function jobEvent(run: string, n: number): PublishEvent {
  return {
    id: `${run}-${n}`,
    topic: 'jobs/ci',
    kind: 'job.completed',
    tag: `job:${run}-${n}`,
    title: `Build ${run} #${n} passed`,
    body: 'main · 42 s',
    source: 'ci',
  };
}

/** One sample of a Prometheus counter or gauge without labels from the relay's `/metrics`. */
export async function relayMetric(relayUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${relayUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`relay has no metric ${name}`);
  return Number(line.slice(name.length + 1));
}
