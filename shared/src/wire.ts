/**
 * Wire frames: what the relay and its clients say to each other on `GET /v1/ws` (both ways),
 * `GET /v1/stream` (control lines) and `POST /v1/login`. Events themselves are in event.ts.
 */
import { z } from 'zod';
import { eventSchema, kindFilterSchema, topicPatternSchema } from './event';
import { stateSnapshotSchema } from './person-state';

const seqSchema = z.number().int().nonnegative();

/**
 * A seq in a query string or `Last-Event-ID`: plain decimal digits only. `z.coerce.number()`
 * would take `""` as 0 and `0x10` as 16, silently resuming from the wrong place.
 */
export const seqParamSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, 'expected a seq: decimal digits')
  .transform(Number)
  .pipe(z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER));

/*
 * Control frames both transports send, with the same fields: WebSocket frames name them in
 * `type`, stream lines in `event` (docs/protocol.md, "Control frames", says why).
 */

/**
 * The replay is over (it may have been empty): what follows is live. `seq` is the newest seq
 * the relay has considered for this reader, delivered or filtered out.
 */
const caughtUpFields = { seq: seqSchema };
/** The keep-alive: the log's newest seq and the relay's clock (ISO 8601). */
const heartbeatFields = { head: seqSchema, at: z.string() };

/** Client → relay frames on `GET /v1/ws`. The first one must be `hello`, within 5 s. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    token: z.string().min(1).max(200),
    /** The last seq this client fully processed: replay everything after it. */
    since: seqSchema.optional(),
    /** The log `since` came from; a different epoch means a full replay with `gap: true`. */
    epoch: z.string().max(100).optional(),
    /** Kind filter (see kindFilterSchema); omitted means every kind. */
    kinds: kindFilterSchema.optional(),
    /**
     * Asks for the person's state (see person-state.ts): the changes after this rev (0: all of
     * it) come in one `state` frame right after `welcome`, before any event, then live.
     */
    stateSince: seqSchema.optional(),
  }),
  z.object({ type: z.literal('subscribe'), kinds: kindFilterSchema.nullable() }),
  /** App-level keep-alive: browsers can't send ws pings, and MV3 workers need traffic to live. */
  z.object({ type: z.literal('ping'), id: z.string().max(100).optional() }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const userSchema = z.object({
  name: z.string(),
  topics: z.array(topicPatternSchema),
  /** Topics this person may act on (answer from a toast); none unless granted. */
  act: z.array(topicPatternSchema).default([]),
});
export type User = z.infer<typeof userSchema>;

/** Relay → client frames on `GET /v1/ws`. */
export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    /** The newest seq in the log when the connection was accepted. */
    head: seqSchema,
    epoch: z.string(),
    /** True when the replay starts right after the client's `since`. */
    resumed: z.boolean(),
    /** True when some events after `since` are no longer retained (or the epoch changed). */
    gap: z.boolean(),
    user: userSchema,
    /**
     * Seconds between heartbeat frames; a client that hears nothing for ~3× this should
     * reconnect.
     */
    heartbeat: z.number().int().positive(),
  }),
  z.object({ type: z.literal('event'), event: eventSchema }),
  /**
   * The person's state (only to a `hello` that asked with `stateSince`): the first one answers
   * the hello, before the replay; later ones carry each change as it is made, on any browser.
   */
  stateSnapshotSchema.extend({ type: z.literal('state') }),
  z.object({ type: z.literal('caught_up'), ...caughtUpFields }),
  z.object({ type: z.literal('heartbeat'), ...heartbeatFields }),
  z.object({ type: z.literal('subscribed'), kinds: kindFilterSchema.nullable() }),
  z.object({ type: z.literal('pong'), id: z.string().optional() }),
  z.object({
    type: z.literal('error'),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

export const loginRequestSchema = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(1000),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const loginResponseSchema = z.object({ token: z.string(), user: userSchema });
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/** NDJSON lines of `GET /v1/stream` that are not events (events are bare envelopes). */
export const streamControlSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('connected'),
    head: seqSchema,
    epoch: z.string(),
    gap: z.boolean(),
  }),
  z.object({ event: z.literal('caught_up'), ...caughtUpFields }),
  z.object({ event: z.literal('heartbeat'), ...heartbeatFields }),
  /** The last line before the relay ends a stream; `code` is the WebSocket close code it matches. */
  z.object({ event: z.literal('closed'), code: z.number().int(), reason: z.string() }),
]);
export type StreamControl = z.infer<typeof streamControlSchema>;
