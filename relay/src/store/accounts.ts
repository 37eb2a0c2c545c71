/** Who holds a token: a person (a session) or a producer (a publisher). */
export type Principal =
  | { kind: 'session'; name: string; topics: string[]; act: string[]; tokenHash: string }
  | { kind: 'publisher'; name: string; topics: string[]; actionUrl?: string; tokenHash: string };

export interface AccountSummary {
  name: string;
  topics: string[];
  /** Users: topics they may act on (answer from a toast). */
  act?: string[];
  /** Publishers: where the answers to their events' actions are sent. */
  actionUrl?: string;
  createdAt: string;
}

/** Where a publisher's answers go, and the key they are signed with. */
export interface ActionTarget {
  url: string;
  /**
   * HMAC key: the SHA-256 (hex) of the publisher's token. The relay keeps only that hash; the
   * publisher, holding the token, computes the same key to check the signature.
   */
  key: string;
}

/** A session just minted, with what it may read and act on. */
export interface LoginGrant {
  token: string;
  topics: string[];
  act: string[];
}

export class AccountExistsError extends Error {}
export class AccountMissingError extends Error {}

/** Token hashes revoked, and why, in the words a reader's close frame carries. */
export type RevokedListener = (
  tokenHashes: string[],
  reason: 'signed out' | 'user removed',
) => void;

/**
 * Users (scrypt passwords), publishers, and the hashed bearer tokens of both: in the relay's
 * SQLite file, or in Redis where every relay of a team sees the same accounts and tokens.
 */
export interface AccountStore {
  /** `act`: topic patterns the user may act on; none unless granted. */
  addUser(name: string, password: string, topics: string[], act?: string[]): Promise<void>;
  listUsers(): Promise<AccountSummary[]>;
  /** Removes the user and every session token it holds (and tells every relay). */
  removeUser(name: string): Promise<void>;
  /** Checks the password (always spending one scrypt) and, if right, mints a session token. */
  login(name: string, password: string): Promise<LoginGrant | null>;
  /** Returns the publisher's token: the only time it is ever seen. */
  addPublisher(name: string, topics: string[], actionUrl?: string): Promise<string>;
  /** The publisher's action URL and signing key, if it registered one. */
  actionTarget(publisher: string): Promise<ActionTarget | null>;
  listPublishers(): Promise<AccountSummary[]>;
  removePublisher(name: string): Promise<void>;
  /** Who holds this token, if anyone; the stored hash is compared in constant time. */
  authenticate(token: string): Promise<Principal | null>;
  /** Which of these token hashes are still valid: one question for every live reader. */
  liveTokens(hashes: string[]): Promise<Set<string>>;
  /** Revokes one token (logout), and tells every relay. */
  revoke(tokenHash: string): Promise<void>;
  /**
   * Calls back with token hashes revoked anywhere (another relay, the CLI) as soon as this
   * store hears of it; resolves once it is listening. The heartbeat's `liveTokens` check is the
   * backstop for anything said while it was not.
   */
  onRevoked(listener: RevokedListener): Promise<void>;
  close(): Promise<void>;
}
