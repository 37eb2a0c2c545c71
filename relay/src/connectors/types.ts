import type { Action, HeraldEvent, PublishEvent, PublishResult } from '@herald/shared';
import type { UpstreamRequest } from '../actions/upstream-call';
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** What the relay hands every connector. */
export interface ConnectorContext {
  /**
   * Appends events to the durable log, exactly like `POST /v1/events` does for a publisher:
   * resolves once they are committed; the same `id` again is a duplicate and delivers nothing.
   */
  publish(events: PublishEvent[], connector?: string): Promise<PublishResult[]>;
  /** The relay's pino logger (`log` in the relay means the event log). */
  logger: Logger;
  /** The relay's Prometheus registry; connectors register their own metrics on it. */
  registry: Registry;
}

/** One line of `/healthz`'s `connectors` array. */
export interface ConnectorStatus {
  name: string;
  type: 'tickets' | 'agents' | 'webhook' | 'jsonrpc';
  connected: boolean;
  lastEventAt: string | null;
  events: number;
  reconnects: number;
  skipped: number;
  lastError: string | null;
}

/** A person's answer to one of a connector's events, checked and authorised by the relay. */
export interface Answer {
  event: HeraldEvent;
  action: Action;
  /** Typed text, or the options picked: already checked against the action's `input`. */
  value?: string | string[];
  note?: string;
  /** The person, as the upstream records who decided. */
  by: string;
}

/** The call that performs an answer upstream, and the words for when it is done. */
export interface AnswerCall extends UpstreamRequest {
  done: string;
}

export interface Connector {
  readonly name: string;
  start(): void;
  /** Stops reading upstream and resolves when nothing more will be published. */
  stop(): Promise<void>;
  status(): ConnectorStatus;
  /** Webhook connectors receive over HTTP: mounted by the relay under `/v1/hooks/<name>`. */
  router?: Router;
  /**
   * Connectors whose upstream takes answers (docs/upstreams.md#answers-the-upstreams-write-side):
   * the call for one.
   */
  answer?(answer: Answer): AnswerCall;
}
