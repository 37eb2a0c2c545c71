import { Counter, Gauge, type Registry } from 'prom-client';
import type { ConnectorStatus } from './types';

interface Metrics {
  events: Counter<'connector' | 'type'>;
  skipped: Counter<'connector' | 'type'>;
  coalesced: Counter<'connector' | 'type'>;
  reconnects: Counter<'connector' | 'type'>;
  connected: Gauge<'connector' | 'type'>;
  lastEvent: Gauge<'connector' | 'type'>;
}

const labelNames = ['connector', 'type'] as const;

// Every connector shares one set of metrics on the relay's registry, told apart by label.
function counter(registry: Registry, name: string, help: string): Counter<'connector' | 'type'> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<'connector' | 'type'>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge(registry: Registry, name: string, help: string): Gauge<'connector' | 'type'> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<'connector' | 'type'>;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

function metricsFor(registry: Registry): Metrics {
  return {
    events: counter(
      registry,
      'herald_connector_events_total',
      'Herald events a connector published (not counting duplicates)',
    ),
    skipped: counter(
      registry,
      'herald_connector_skipped_total',
      'Malformed or invalid upstream items a connector skipped',
    ),
    coalesced: counter(
      registry,
      'herald_connector_coalesced_total',
      'Upstream noise (progress, replays) a connector deliberately dropped',
    ),
    reconnects: counter(
      registry,
      'herald_connector_reconnects_total',
      'Times a connector reconnected to its upstream',
    ),
    connected: gauge(
      registry,
      'herald_connector_connected',
      '1 while the connector holds a live upstream connection',
    ),
    lastEvent: gauge(
      registry,
      'herald_connector_last_event_timestamp_seconds',
      'When the connector last published an event',
    ),
  };
}

/** The numbers behind `/healthz` and `/metrics` for one connector. */
export class ConnectorStats {
  private readonly metrics: Metrics;
  private readonly labels: { connector: string; type: ConnectorStatus['type'] };
  private state: Omit<ConnectorStatus, 'name' | 'type'> = {
    connected: false,
    lastEventAt: null,
    events: 0,
    reconnects: 0,
    skipped: 0,
    lastError: null,
  };

  constructor(name: string, type: ConnectorStatus['type'], registry: Registry) {
    this.metrics = metricsFor(registry);
    this.labels = { connector: name, type };
    this.metrics.connected.set(this.labels, 0);
    for (const c of [
      this.metrics.events,
      this.metrics.skipped,
      this.metrics.coalesced,
      this.metrics.reconnects,
    ]) {
      c.inc(this.labels, 0);
    }
  }

  published(count: number): void {
    if (count <= 0) return;
    this.state.events += count;
    this.state.lastEventAt = new Date().toISOString();
    this.metrics.events.inc(this.labels, count);
    this.metrics.lastEvent.set(this.labels, Date.now() / 1000);
  }

  skipped(): void {
    this.state.skipped += 1;
    this.metrics.skipped.inc(this.labels);
  }

  coalesced(): void {
    this.metrics.coalesced.inc(this.labels);
  }

  reconnecting(): void {
    this.state.reconnects += 1;
    this.metrics.reconnects.inc(this.labels);
  }

  setConnected(connected: boolean): void {
    this.state.connected = connected;
    this.metrics.connected.set(this.labels, connected ? 1 : 0);
    if (connected) this.state.lastError = null;
  }

  error(message: string): void {
    this.state.lastError = message;
  }

  status(): ConnectorStatus {
    return { name: this.labels.connector, type: this.labels.type, ...this.state };
  }
}
