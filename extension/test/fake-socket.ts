import type { ServerMessage, User } from '@herald/shared';
import type { SocketLike } from '../utils/connection';

/**
 * The relay's welcome for `user`: log epoch `e`, nothing resumed, and the relay's default
 * heartbeat (15 s); a test overrides what it is about.
 */
export function welcome(
  head: number,
  user: User,
  over: Partial<Extract<ServerMessage, { type: 'welcome' }>> = {},
) {
  return {
    type: 'welcome',
    head,
    epoch: 'e',
    resumed: false,
    gap: false,
    user,
    heartbeat: 15,
    ...over,
  } as const satisfies ServerMessage;
}

/** Plays the relay's side of one WebSocket in unit tests (the real relay is tested in e2e). */
export class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closedWith: number | undefined;
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = 3;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(message: ServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  /** The server (or the network) closes; `opened: false` = the connection never came up. */
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

export function sockets() {
  const all: FakeSocket[] = [];
  return {
    all,
    create: (url: string) => {
      const s = new FakeSocket(url);
      all.push(s);
      return s;
    },
    last: () => {
      const s = all.at(-1);
      if (!s) throw new Error('no socket was opened');
      return s;
    },
  };
}
