import { createParser, type EventSourceParser } from 'eventsource-parser';
import { z } from 'zod';
import { agentAnswer } from './answers';
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
import { mapAgentEvent, type AgentsMemory } from './agents-map';
import { contentId } from './content-id';
import { readHttpStream } from './http-stream';
import { SerialPublisher } from './publisher';
import { ConnectorStats } from './stats';
import { supervisedConnector } from './supervise';
import type { Connector, ConnectorContext } from './types';

export const agentsConfigSchema = z
  .object({
    type: z.literal('agents'),
    name: connectorNameSchema,
    /** The dashboard's base URL; the stream is `<url>/api/events`, toasts link to `<url>`. */
    url: httpUrlSchema,
    token: credentialSchema,
    topic: topicSchema.default('agents'),
    perAgentTopics: z.boolean().default(true),
    /** Where approvals and questions are answered (`{id}`: the approval's or question's id). */
    answerPaths: z
      .object({
        approve: answerPathSchema.default('api/approvals/{id}/approve'),
        deny: answerPathSchema.default('api/approvals/{id}/deny'),
        answer: answerPathSchema.default('api/questions/{id}/answer'),
      })
      .strict()
      .default({
        approve: 'api/approvals/{id}/approve',
        deny: 'api/approvals/{id}/deny',
        answer: 'api/questions/{id}/answer',
      }),
    reconnect: reconnectSchema,
  })
  .strict();
export type AgentsConfig = z.infer<typeof agentsConfigSchema>;

const frameSchema = z.looseObject({
  kind: z.string().min(1).max(100),
  seq: z.number().int().nonnegative(),
});
const MAX_FRAME = 1024 * 1024;
const REMEMBERED_SEQS = 10_000;

/**
 * Follows the agent dashboard's SSE channel (docs/upstreams.md#agent-dashboard).
 *
 * Ids are `agents-<name>-<seq>-<hash of the event>`: the same event re-sent after a reconnect, or
 * re-read after the relay restarted and forgot everything, gets the same id and is a duplicate;
 * a restarted dashboard's seq 1 is a different event, so a different id.
 *
 * Restarts: a frame with `seq <= last seen` is a replay when we remember that seq with the same
 * content (dropped), and a restarted dashboard otherwise (we start counting again from it). When
 * in doubt we keep the event: the content-derived id lets the relay drop a true replay anyway.
 */
export function createAgentsConnector(cfg: AgentsConfig, ctx: ConnectorContext): Connector {
  const logger = ctx.logger.child({ connector: cfg.name, type: 'agents' });
  const stats = new ConnectorStats(cfg.name, 'agents', ctx.registry);
  const publisher = new SerialPublisher(ctx, stats, logger);
  const mapOpts = { topic: cfg.topic, perAgentTopics: cfg.perAgentTopics, dashboardUrl: cfg.url };
  const memory: AgentsMemory = { questions: new Map(), transients: new Map() };
  const seen = new Map<number, string>();
  let lastSeq = 0;

  const skip = (reason: string) => {
    stats.skipped();
    logger.warn({ reason }, 'skipped a malformed dashboard frame');
  };

  const handleData = (data: string) => {
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      return skip('not JSON');
    }
    const frame = frameSchema.safeParse(raw);
    if (!frame.success) return skip('no kind or seq');
    const { seq } = frame.data;
    const id = contentId(`agents-${cfg.name}-${seq}`, frame.data);
    if (lastSeq > 0 && seq <= lastSeq) {
      if (seen.get(seq) === id) {
        stats.coalesced();
        return;
      }
      logger.info(
        { seq, lastSeq },
        'dashboard restarted (seq went backwards with new content); following it',
      );
      seen.clear();
    }
    lastSeq = seq;
    seen.set(seq, id);
    if (seen.size > REMEMBERED_SEQS) seen.delete(seen.keys().next().value as number);
    const event = mapAgentEvent(frame.data, id, memory, mapOpts);
    if (event === 'malformed') return skip(`invalid ${frame.data.kind} event`);
    void publisher.publish([event]);
  };

  const connect = async (signal: AbortSignal, healthy: () => void) => {
    const token = readCredential(cfg.token);
    let overflow = false;
    // A fresh parser per connection: a frame cut by a disconnect is dropped with it.
    const parser: EventSourceParser = createParser({
      onEvent: (msg) => handleData(msg.data),
      onError: (err) => {
        if (err.type === 'max-buffer-size-exceeded') overflow = true;
      },
      maxBufferSize: MAX_FRAME,
    });
    await readHttpStream({
      url: joinUrl(cfg.url, 'api/events'),
      token,
      accept: 'text/event-stream',
      expectType: /^text\/event-stream\b/i,
      signal,
      idleTimeoutMs: cfg.reconnect.idleTimeoutMs,
      onOpen: () => {
        stats.setConnected(true);
        logger.info('connected to the agent dashboard');
      },
      onText: async (text) => {
        healthy();
        try {
          parser.feed(text);
        } catch {
          overflow = true;
        }
        if (overflow) {
          overflow = false;
          parser.reset();
          skip('frame larger than 1 MiB');
        }
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
    answer: (answer) => agentAnswer(answer, cfg.url, cfg.answerPaths, cfg.token),
  };
}
