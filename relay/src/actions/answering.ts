import {
  answerFits,
  eventSchema,
  KINDS,
  topicAllowed,
  type Action,
  type ActionRequest,
  type ActionResult,
  type HeraldEvent,
  type PublishEvent,
  type PublishResult,
} from '@herald/shared';
import type { Logger } from 'pino';
import type { Connector } from '../connectors';
import type { AnswerCall } from '../connectors/types';
import { HttpError } from '../errors';
import type { TokenBuckets } from '../limiter';
import type { AccountStore, Principal } from '../store/accounts';
import type { ActionClaims } from '../store/action-claims';
import type { EventLog } from '../store/log';
import { publisherCall } from './callback';
import { callUpstream, DEFAULT_CALL, type CallOptions, type CallOutcome } from './upstream-call';

type Person = Extract<Principal, { kind: 'session' }>;

export interface AnsweringDeps {
  log: EventLog;
  accounts: AccountStore;
  claims: ActionClaims;
  connectors: Connector[];
  buckets: TokenBuckets;
  logger: Logger;
  /** Appends as the relay itself (the `herald.decided` event). */
  publish(events: PublishEvent[]): Promise<PublishResult[]>;
  call?: CallOptions;
}

/** What a claim remembers: the result, or the error, exactly as it was answered. */
type Stored =
  | { ok: ActionResult }
  | {
      error: { code: HttpError['code']; message: string; decided?: HttpError['extra']['decided'] };
    };

/** The event at `seq`, if it is the one the person named and one they may read. */
async function findEvent(deps: AnsweringDeps, person: Person, req: ActionRequest) {
  const [row] = await deps.log.read(req.seq - 1, 1);
  const event = row && row.seq === req.seq ? eventSchema.parse(JSON.parse(row.json)) : undefined;
  // One answer for "no such event" and "not yours": nobody learns what they may not read.
  if (!event || event.id !== req.eventId || !topicAllowed(person.topics, event.topic)) {
    throw new HttpError('not_found', `no event ${req.eventId} at seq ${req.seq} for you`);
  }
  return event;
}

/** The declared action, with the answer's value checked against what it takes. */
function checkAction(event: HeraldEvent, req: ActionRequest): Action {
  const action = event.actions?.find((a) => a.id === req.action);
  if (!action)
    throw new HttpError('invalid_action', `event ${event.id} has no action ${req.action}`);
  if (!answerFits(action, req.value)) {
    const wants = { none: 'no value', text: 'a text value', choices: 'some of its options' };
    throw new HttpError('invalid_action', `action ${action.id} takes ${wants[action.input]}`);
  }
  return action;
}

/**
 * Answers events for people: checks who may do what, performs each request id once (on
 * whichever relay it reaches), calls the upstream with the relay's credential in the person's
 * name, and clears the item everywhere once it is done.
 */
export class Answering {
  constructor(private readonly deps: AnsweringDeps) {}

  async answer(person: Person, req: ActionRequest): Promise<ActionResult> {
    const { deps } = this;
    if (!deps.buckets.take(person.name)) {
      throw new HttpError('too_many_requests', 'too many answers; slow down', {
        retryAfterSeconds: 1,
      });
    }
    const event = await findEvent(deps, person, req);
    const action = checkAction(event, req);
    if (!topicAllowed(person.act, event.topic)) {
      throw new HttpError('action_forbidden', `${person.name} may not act on ${event.topic}`);
    }
    const key = `${person.name}:${req.requestId}`;
    const claim = await deps.claims.claim(key, person.name);
    if (claim.state === 'pending') {
      throw new HttpError('action_in_progress', 'this request is being performed right now', {
        retryAfterSeconds: 1,
      });
    }
    if (claim.state === 'done') return replay(JSON.parse(claim.outcome) as Stored);
    const stored = await this.perform(person, req, event, action);
    await deps.claims.finish(key, JSON.stringify(stored));
    return replay(stored);
  }

  private async perform(
    person: Person,
    req: ActionRequest,
    event: HeraldEvent,
    action: Action,
  ): Promise<Stored> {
    const { deps } = this;
    const audit = {
      audit: 'action',
      user: person.name,
      action: action.id,
      requestId: req.requestId,
      event: { seq: event.seq, id: event.id, topic: event.topic, tag: event.tag },
      origin: event.origin,
    };
    let stored: Stored;
    try {
      const call = await this.upstreamCall(person, req, event, action);
      const outcome = await callUpstream(call, req.requestId, deps.call ?? DEFAULT_CALL);
      stored = toStored(outcome, call, person, req, action);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      stored = { error: { code: err.code, message: err.message } };
    }
    if ('ok' in stored) await this.clearEverywhere(event, stored.ok);
    deps.logger.info(
      {
        ...audit,
        outcome: 'ok' in stored ? 'done' : stored.error.code,
        ...('ok' in stored ? { status: stored.ok.status } : { ...stored.error.decided }),
      },
      'action answered',
    );
    return stored;
  }

  /** Where the answer goes: the connector that published the event, or the publisher's URL. */
  private async upstreamCall(
    person: Person,
    req: ActionRequest,
    event: HeraldEvent,
    action: Action,
  ): Promise<AnswerCall> {
    const [type, name] = (event.origin ?? '').split(':', 2);
    const answer = { event, action, value: req.value, note: req.note, by: person.name };
    if (type === 'connector') {
      const connector = this.deps.connectors.find((c) => c.name === name);
      if (connector?.answer) return connector.answer(answer);
    }
    if (type === 'publisher' && name) {
      const target = await this.deps.accounts.actionTarget(name);
      if (target) return publisherCall(answer, req.requestId, target);
    }
    throw new HttpError(
      'upstream_refused',
      `nothing on this relay takes answers for events from ${event.origin ?? 'unknown'}`,
    );
  }

  /**
   * A relay event resolving the item's tag, so every browser clears it now, whether or not the
   * upstream's own resolution ever arrives. Its id is the request's: published once.
   */
  private async clearEverywhere(event: HeraldEvent, result: ActionResult) {
    await this.deps.publish([
      {
        id: `decided-${result.requestId}`,
        topic: event.topic,
        kind: KINDS.actionDecided,
        tag: event.tag,
        title: result.message,
        body: `by ${result.by}`,
        resolves: true,
        source: 'herald',
        data: { requestId: result.requestId, action: result.action, by: result.by, seq: event.seq },
      },
    ]);
  }
}

function toStored(
  outcome: CallOutcome,
  call: AnswerCall,
  person: Person,
  req: ActionRequest,
  action: Action,
): Stored {
  switch (outcome.kind) {
    case 'done': {
      const said = outcome.reply.message;
      const message = typeof said === 'string' && said.length <= 300 ? said : call.done;
      return {
        ok: {
          requestId: req.requestId,
          action: action.id,
          message,
          by: person.name,
          ...(outcome.status !== undefined && { status: outcome.status }),
          at: new Date().toISOString(),
        },
      };
    }
    case 'decided': {
      const who = outcome.by ? ` by ${outcome.by}` : '';
      const what = outcome.status ? ` (${outcome.status}${who})` : who;
      return {
        error: {
          code: 'already_decided',
          message: `already decided${what}`,
          decided: { status: outcome.status, by: outcome.by },
        },
      };
    }
    case 'refused':
      return {
        error: {
          code: 'upstream_refused',
          message: `the upstream refused the answer: ${outcome.detail}`,
        },
      };
    case 'unavailable':
      return {
        error: {
          code: 'upstream_unavailable',
          message: `the upstream did not take the answer: ${outcome.detail}; nothing was decided`,
        },
      };
  }
}

function replay(stored: Stored): ActionResult {
  if ('ok' in stored) return stored.ok;
  const { code, message, decided } = stored.error;
  throw new HttpError(code, message, decided ? { decided } : {});
}
