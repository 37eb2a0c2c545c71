import { event, startRelay, type RelayProcess, type StartOptions } from './harness';
import { subscribe, type TestClient } from '@herald/testkit/ws-client';

export interface Arena {
  relay: RelayProcess;
  /** A publisher token for every topic. */
  publisher: string;
  /** alice reads every topic; her session token. */
  alice: string;
  /** alice, connected before anything hostile happens: she must keep being served. */
  bystander: TestClient;
  /** Publishes a fresh event and resolves once the bystander has it; throws if she never does. */
  bystanderStillServed(): Promise<void>;
  stop(): Promise<void>;
}

/** A relay with a well-behaved reader connected, for tests that throw bad input at it. */
export async function startArena(options: StartOptions = {}): Promise<Arena> {
  const relay = await startRelay(options);
  await relay.addUser('alice', 'alice-password', ['**']);
  const publisher = await relay.addPublisher('p', ['**']);
  const alice = await relay.login('alice', 'alice-password');
  const bystander = (await subscribe(relay.url, { token: alice })).client;
  let marks = 0;
  return {
    relay,
    publisher,
    alice,
    bystander,
    async bystanderStillServed() {
      const id = `bystander-${process.pid}-${++marks}`;
      await relay.publish(publisher, event({ id }));
      await bystander.event(id);
    },
    async stop() {
      bystander.ws.close();
      await relay.stop();
    },
  };
}
