import { z } from 'zod';
import { ticketAnswer } from './answers';
import {
  answerPathSchema,
  connectorNameSchema,
  credentialSchema,
  httpUrlSchema,
  joinUrl,
  readCredential,
  reconnectSchema,
  topicSchema,
} from './config-common';
import { readHttpStream } from './http-stream';
import { LineSplitter } from './line-splitter';
import { SerialPublisher } from './publisher';
import { ConnectorStats } from './stats';
import { supervisedConnector } from './supervise';
import { mapTicketLine } from './tickets-map';
import type { Connector, ConnectorContext } from './types';

export const ticketsConfigSchema = z
  .object({
    type: z.literal('tickets'),
    name: connectorNameSchema,
    /** The tracker's base URL; the stream is `<url>/tickets/watch`, tickets are `<url>/tickets/<id>`. */
    url: httpUrlSchema,
    token: credentialSchema,
    topic: topicSchema.default('tickets'),
    /** Where a proposed resolution is accepted or rejected (`{id}`: the ticket id). */
    resolutionPath: answerPathSchema.default('tickets/{id}/resolution'),
    reconnect: reconnectSchema,
  })
  .strict();
export type TicketsConfig = z.infer<typeof ticketsConfigSchema>;

const MAX_LINE = 1024 * 1024;

/** Follows the tracker's `/tickets/watch` NDJSON stream (docs/upstreams.md#ticket-tracker). */
export function createTicketsConnector(cfg: TicketsConfig, ctx: ConnectorContext): Connector {
  const logger = ctx.logger.child({ connector: cfg.name, type: 'tickets' });
  const stats = new ConnectorStats(cfg.name, 'tickets', ctx.registry);
  const publisher = new SerialPublisher(ctx, stats, logger);
  const mapOpts = { name: cfg.name, baseUrl: cfg.url, topic: cfg.topic };

  const handleLine = (line: string) => {
    if (line.trim() === '') return;
    const outcome = mapTicketLine(line, mapOpts);
    if (outcome.type === 'event') void publisher.publish([outcome.event]);
    if (outcome.type === 'malformed') {
      stats.skipped();
      logger.warn(
        { reason: outcome.reason, length: line.length },
        'skipped a malformed tracker line',
      );
    }
  };

  const connect = async (signal: AbortSignal, healthy: () => void) => {
    const token = readCredential(cfg.token);
    // One splitter per connection: a line cut by a disconnect is dropped with it.
    const splitter = new LineSplitter(MAX_LINE, () => {
      stats.skipped();
      logger.warn('skipped a tracker line longer than 1 MiB');
    });
    await readHttpStream({
      url: joinUrl(cfg.url, 'tickets/watch'),
      token,
      accept: 'application/x-ndjson',
      // application/x-ndjson per the spec; other JSON-lines spellings and text/plain are tolerated.
      expectType: /json|^text\/plain/i,
      signal,
      idleTimeoutMs: cfg.reconnect.idleTimeoutMs,
      onOpen: () => {
        stats.setConnected(true);
        logger.info('connected to the ticket tracker');
      },
      onText: async (text) => {
        healthy();
        for (const line of splitter.push(text)) handleLine(line);
        await publisher.idle();
      },
    });
  };

  return {
    ...supervisedConnector(cfg.name, {
      logger,
      stats,
      publisher,
      reconnect: cfg.reconnect,
      connect,
    }),
    answer: (answer) => ticketAnswer(answer, cfg.url, cfg.resolutionPath, cfg.token),
  };
}
