import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The relay's Prometheus metrics, on a registry of its own so several relays can share a process. */
export function createMetrics() {
  const registry = new Registry();
  // prom-client's names already say what they are (`process_cpu_seconds_total`,
  // `nodejs_heap_size_used_bytes`): the prefix only says whose.
  collectDefaultMetrics({ register: registry, prefix: 'herald_' });
  const m = {
    registry,
    connections: new Gauge({
      name: 'herald_connections',
      help: 'Open reader connections by transport',
      labelNames: ['transport'] as const,
      registers: [registry],
    }),
    eventsIn: new Counter({
      name: 'herald_events_in_total',
      help: 'Events appended to the log',
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'herald_publish_duplicates_total',
      help: 'Published events whose id was already in the log (nothing delivered)',
      registers: [registry],
    }),
    eventsOut: new Counter({
      name: 'herald_events_out_total',
      help: 'Event deliveries to readers (one per reader per event), replay included',
      registers: [registry],
    }),
    slowConsumers: new Counter({
      name: 'herald_slow_consumer_cuts_total',
      help: 'Readers closed because they fell too far behind',
      registers: [registry],
    }),
    resumeGaps: new Counter({
      name: 'herald_resume_gaps_total',
      help: 'Resumes that could not be served without a gap (pruned history or a new epoch)',
      registers: [registry],
    }),
    publishToSend: new Histogram({
      name: 'herald_publish_to_send_seconds',
      help: 'From accepting an event to writing it to live readers',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    head: new Gauge({
      name: 'herald_log_head',
      help: 'Newest seq in the log',
      registers: [registry],
    }),
    pruned: new Counter({
      name: 'herald_events_pruned_total',
      help: 'Events removed by retention',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'herald_rejected_total',
      help: 'Requests and connections refused, by error code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
  };
  return m;
}
export type Metrics = ReturnType<typeof createMetrics>;
